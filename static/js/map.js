// A Leaflet map of the shops near the shopper, on the base map of basemap.js.
(function () {
  function draw() {
    const holder = document.getElementById("map");
    const source = document.getElementById("map-data");
    if (!holder || !source || !window.L || holder.dataset.drawn) return;
    const data = JSON.parse(source.textContent);
    holder.dataset.drawn = "1";
    const map = L.map(holder, { zoomControl: true });
    window.o2oBaseMap && window.o2oBaseMap(map);
    const points = [];
    const you = L.circleMarker(data.you, { radius: 8, color: "#0b5cad", fillOpacity: 0.9 });
    you.addTo(map).bindTooltip(holder.getAttribute("data-you") || "You");
    points.push(data.you);
    data.shops.forEach(function (shop, index) {
      const marker = L.marker([shop.lat, shop.lng], { title: shop.name, keyboard: true });
      marker.addTo(map).bindPopup((index + 1) + ". " + shop.name + " · " + shop.km + " km");
      points.push([shop.lat, shop.lng]);
    });
    map.fitBounds(points, { padding: [24, 24], maxZoom: 14 });
    L.control.scale({ imperial: false }).addTo(map);
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
