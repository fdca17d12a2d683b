// Progressive enhancement: "Use my location" fills the hidden lat/lng and submits.
document.addEventListener("DOMContentLoaded", () => {
  if (!("geolocation" in navigator)) return;
  document.querySelectorAll("[data-geolocate]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const form = button.closest("form");
      navigator.geolocation.getCurrentPosition((pos) => {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(5);
        form.querySelector("[name=city]").value = "";
        form.requestSubmit();
      });
    });
  });
});

// A request that fails (a server error, no network) says so instead of doing nothing.
document.addEventListener("DOMContentLoaded", () => {
  const failed = document.getElementById("request-failed");
  if (!failed) return;
  const show = () => { failed.hidden = false; };
  document.body.addEventListener("htmx:responseError", show);
  document.body.addEventListener("htmx:sendError", show);
  document.body.addEventListener("htmx:beforeRequest", () => { failed.hidden = true; });
});

// Forms that undo something ask first (data-confirm); without JavaScript they just submit.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
