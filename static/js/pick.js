// Pick the shop's location on a map (no tiles: offline); fills latitude/longitude.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("pick-map");
  if (!holder || !window.L) return;
  const lat = document.getElementById("id_latitude");
  const lng = document.getElementById("id_longitude");
  const start = [parseFloat(lat.value) || 20.6, parseFloat(lng.value) || 78.9];
  const map = L.map(holder, { attributionControl: false }).setView(start, lat.value ? 14 : 4);
  let marker = lat.value ? L.marker(start).addTo(map) : null;
  map.on("click", (event) => {
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(event.latlng); else marker = L.marker(event.latlng).addTo(map);
  });
});
