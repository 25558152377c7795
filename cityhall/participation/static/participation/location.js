/* The proposal form's location picker: a click on the map fills the latitude and longitude inputs,
   which stay plain number inputs (the form works without this script; the server checks the values).
   Leaflet comes from the installed django-js-lib-leaflet package; the map draws only the city's bounds
   and its districts' centres, nothing from the internet. */
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-location-map]");
    if (!box || typeof L === "undefined") { return; }
    var latInput = document.getElementById(box.dataset.latitude);
    var lonInput = document.getElementById(box.dataset.longitude);
    var picker = JSON.parse(document.getElementById(box.dataset.pickerId).textContent);
    box.hidden = false;
    var map = L.map(box, { zoomSnap: 0.5, minZoom: 9, maxZoom: 18 });
    map.attributionControl.setPrefix("Leaflet");
    var area = L.rectangle(picker.bounds, { color: "#555", weight: 1, fill: false, interactive: false }).addTo(map);
    picker.places.forEach(function (place) {
      L.circleMarker([place[1], place[2]], { radius: 3, color: "#555", weight: 1, interactive: false })
        .bindTooltip(place[0], { permanent: true, direction: "top", className: "pb-place" })
        .addTo(map);
    });
    map.fitBounds(area.getBounds());
    var marker = null;
    function show() {
      var lat = parseFloat(latInput.value);
      var lon = parseFloat(lonInput.value);
      if (!isFinite(lat) || !isFinite(lon)) {
        if (marker) { map.removeLayer(marker); marker = null; }
        return;
      }
      if (marker) { marker.setLatLng([lat, lon]); }
      else {
        marker = L.circleMarker([lat, lon], { radius: 8, color: "#b03a00", fillColor: "#ff7a1a", fillOpacity: 0.9 }).addTo(map);
      }
    }
    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lonInput.value = event.latlng.lng.toFixed(6);
      show();
    });
    latInput.addEventListener("input", show);
    lonInput.addEventListener("input", show);
    show();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
