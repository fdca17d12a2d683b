// Pick the shop's location on the map (base map of basemap.js); fills latitude/longitude.
// The map follows the city or postcode typed above it, so a click lands near the shop.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("pick-map");
  if (!holder || !window.L) return;
  const lat = document.getElementById("id_latitude");
  const lng = document.getElementById("id_longitude");
  const city = document.getElementById("id_city");
  const start = [parseFloat(lat.value) || 20.6, parseFloat(lng.value) || 78.9];
  const map = L.map(holder).setView(start, lat.value ? 15 : 4);
  window.o2oBaseMap && window.o2oBaseMap(map);
  let marker = lat.value ? L.marker(start).addTo(map) : null;
  map.on("click", (event) => {
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(event.latlng); else marker = L.marker(event.latlng).addTo(map);
    holder.dataset.picked = lat.value + "," + lng.value;
  });
  const follow = () => {
    if (!city || !city.value.trim() || marker) return;
    fetch(holder.dataset.locate + "?city=" + encodeURIComponent(city.value))
      .then((r) => (r.ok ? r.json() : null))
      .then((place) => { if (place) { map.setView([place.lat, place.lng], 13); holder.dataset.centred = place.name; } })
      .catch(() => {});
  };
  if (city) { city.addEventListener("change", follow); follow(); }
});
