// Where the parcel goes: a pin on the map (click), or the device's location on request.
// The pin fills delivery_lat/delivery_lng; the server checks it against the shop's radius.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("delivery-map");
  if (!holder || !window.L) return;
  const lat = document.getElementById("id_delivery_lat");
  const lng = document.getElementById("id_delivery_lng");
  const status = document.getElementById("delivery-pin-status");
  const shop = holder.dataset.shop.split(",").map(parseFloat);
  const radius = parseFloat(holder.dataset.radiusKm) * 1000;
  const map = L.map(holder).setView(shop, 13);
  window.o2oBaseMap && window.o2oBaseMap(map);
  const area = L.circle(shop, { radius: radius, color: "#0b5cad", weight: 1, fillOpacity: 0.08 }).addTo(map);
  L.marker(shop, { title: "shop" }).addTo(map);
  const fit = () => {
    if (!holder.offsetWidth) return; // hidden while collection is chosen
    map.invalidateSize();
    map.fitBounds(area.getBounds(), { padding: [12, 12] });
  };
  fit();
  // the map may start hidden (collection chosen): lay it out again once delivery is picked
  document.querySelectorAll("input[name=fulfilment]").forEach((radio) => {
    radio.addEventListener("change", () => { if (radio.checked && radio.value === "delivery") fit(); });
  });
  let pin = null;
  function place(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    if (pin) pin.setLatLng(latlng); else pin = L.circleMarker(latlng, { radius: 8, color: "#a4161a", fillOpacity: 0.9 }).addTo(map);
    const inside = map.distance(latlng, shop) <= radius;
    status.textContent = inside ? holder.dataset.inside : holder.dataset.outside;
    holder.dataset.pin = lat.value + "," + lng.value;
  }
  if (lat.value && lng.value) place(L.latLng(parseFloat(lat.value), parseFloat(lng.value)));
  map.on("click", (event) => place(event.latlng));
  const here = document.querySelector("[data-delivery-here]");
  if (here && "geolocation" in navigator) {
    here.hidden = false;
    here.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((pos) => {
        const latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
        place(latlng);
        map.setView(latlng, Math.max(map.getZoom(), 14));
      });
    });
  }
});
