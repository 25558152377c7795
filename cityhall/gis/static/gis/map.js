/* The platform's offline map: Leaflet (from the installed django-js-lib-leaflet package) with the
   city's own base layers as vector tiles generated from the layers (/gis/tiles/…, drawn on canvas by
   mvt.js), and other layers and modules' registries on top, read from OGC API – Features. Nothing
   from the internet. Popups are built with textContent, never innerHTML. */
(function () {
  "use strict";
  var GIMPO = [37.66, 126.66];
  var STYLE = {
    boundary: { color: "#555", weight: 1, fillColor: "#e8e4d8", fillOpacity: 0.6 },
    road: { color: "#444", weight: 2 },
    water: { color: "#1f5fa8", weight: 2 },
    sewer: { color: "#7a4a1d", weight: 2 },
    utility: { color: "#6b2d8c", weight: 2 },
    other: { color: "#2d6b3c", weight: 2, fillOpacity: 0.3 },
    point: { color: "#b03a00", weight: 2, fillColor: "#ff7a1a", fillOpacity: 0.9 }
  };
  var MAX_PAGES = 50;
  // The live overlays' one palette (cityhall.gis.live.TONES): every live map speaks the same colours.
  var TONE = {
    ok: "#1e7b3a", idle: "#4f6475", info: "#1f5fa8", warn: "#c27c0e",
    bad: "#c62828", lost: "#6a1b9a", none: "#a3abb3"
  };

  function fetchAll(url, done, failed) {
    var features = [];
    var pages = 0;
    function next(href) {
      fetch(href, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) {
          if (!r.ok) { throw new Error(String(r.status)); }
          return r.json();
        })
        .then(function (body) {
          features = features.concat(body.features || []);
          pages += 1;
          var more = (body.links || []).filter(function (l) { return l.rel === "next"; })[0];
          if (more && pages < MAX_PAGES) { next(more.href); } else { done(features); }
        })
        .catch(failed);
    }
    next(url);
  }

  function popup(title, feature) {
    var box = document.createElement("div");
    var head = document.createElement("strong");
    head.textContent = title;
    box.appendChild(head);
    var table = document.createElement("table");
    var props = feature.properties || {};
    Object.keys(props).slice(0, 12).forEach(function (key) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = key;
      var td = document.createElement("td");
      var value = props[key];
      td.textContent = value === null || value === undefined ? "" : String(value);
      tr.appendChild(th);
      tr.appendChild(td);
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function draw(canvas) {
    if (canvas.dataset.ready) { return; }
    canvas.dataset.ready = "loading";
    // The height a page asks for comes as data (a style attribute would break the CSP); CSSOM is allowed.
    if (canvas.dataset.height) { canvas.style.height = canvas.dataset.height; }
    var entries = JSON.parse(document.getElementById(canvas.dataset.layersId).textContent);
    var base = canvas.dataset.collectionsUrl.replace(/\/?$/, "/");
    var status = document.querySelector('[data-map-status="' + canvas.id + '"]');
    // No tile layer sets a zoom range, so the map sets its own (a single point would zoom without end).
    var map = L.map(canvas, { zoomSnap: 0.5, minZoom: 7, maxZoom: 19, attributionControl: true }).setView(GIMPO, 11);
    map.attributionControl.setPrefix("Leaflet");
    var groups = {};
    var bounds = null;
    var liveUrl = canvas.dataset.liveUrl;
    var pending = entries.length + (liveUrl ? 1 : 0);
    var total = 0;
    var failures = [];
    var tilesUrl = canvas.dataset.tilesUrl;
    var tiles = { answered: 0, features: 0, failed: 0 };
    function tileDrawn(drawn, err) {
      if (err) { tiles.failed += 1; } else { tiles.answered += 1; tiles.features += drawn; }
      canvas.dataset.tiles = String(tiles.answered);
      canvas.dataset.tileFeatures = String(tiles.features);
      canvas.dataset.tilesFailed = String(tiles.failed);
    }
    function finished() {
      pending -= 1;
      if (pending > 0) { return; }
      if (groups.__live__) { groups.__live__.bringToFront(); }
      if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8], maxZoom: 16 }); }
      canvas.dataset.ready = "ready";
      canvas.dataset.features = String(total);
      if (status) {
        status.textContent = failures.length
          ? status.dataset.failed.replace("{names}", failures.join(", "))
          : status.dataset.done.replace("{n}", total.toLocaleString(document.documentElement.lang || "ko"));
      }
    }
    if (!pending) { pending = 1; finished(); }
    entries.forEach(function (entry) {
      var style = STYLE[entry.style] || STYLE.other;
      if (entry.base && tilesUrl && L.gisVectorTiles) {
        // The base map (기본도): vector tiles of the layer, drawn on canvas under everything else.
        var grid = L.gisVectorTiles(tilesUrl.replace("{id}", encodeURIComponent(entry.id)), style, tileDrawn, {
          maxNativeZoom: 18, updateWhenZooming: false, className: "gis-base gis-base-" + entry.style
        });
        grid.addTo(map);
        groups[entry.id] = grid;
        if (entry.bbox) {
          var lb = L.latLngBounds([entry.bbox[1], entry.bbox[0]], [entry.bbox[3], entry.bbox[2]]);
          bounds = bounds ? bounds.extend(lb) : lb;
        }
        finished();
        return;
      }
      fetchAll(base + encodeURIComponent(entry.id) + "/items?limit=1000", function (features) {
        var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
          style: function () { return style; },
          pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, Object.assign({ radius: 6 }, STYLE.point)); },
          onEachFeature: function (feature, item) {
            item.bindPopup(function () { return popup(entry.title, feature); });
            var name = (feature.properties || {}).name || (feature.properties || {}).title;
            if (name) {
              var label = document.createElement("span");
              label.textContent = String(name);  // text, never HTML: names come from imported files
              item.bindTooltip(label);
            }
          }
        });
        layer.addTo(map);
        if (!entry.base) { layer.bringToFront(); }
        groups[entry.id] = layer;
        total += features.length;
        var b = layer.getBounds();
        if (b.isValid()) { bounds = bounds ? bounds.extend(b) : b; }
        finished();
      }, function () { failures.push(entry.title); finished(); });
    });
    if (liveUrl) {
      groups.__live__ = live(canvas, map, liveUrl, function (layer) {
        var b = layer.getBounds();
        if (b.isValid()) { bounds = bounds ? bounds.extend(b) : b; }
        finished();
      });
    }
    document.querySelectorAll('input[data-map="' + canvas.id + '"]').forEach(function (box) {
      box.addEventListener("change", function () {
        var layer = groups[box.dataset.layer];
        if (!layer) { return; }
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
    });
  }

  // A live overlay (cityhall.gis.live): the page's feed of points in states, drawn as circles in the
  // state's tone, read again every data-live-refresh seconds (not while the tab is hidden). The legend
  // counts the points by state; every marker carries the class gis-live-<state>.
  function live(canvas, map, url, firstDrawn) {
    var group = L.featureGroup().addTo(map);
    var legend = document.querySelector('[data-live-legend="' + canvas.id + '"]');
    var status = document.querySelector('[data-live-status="' + canvas.id + '"]');
    var every = parseInt(canvas.dataset.liveRefresh || "0", 10);
    var first = true;

    function livePopup(point, label) {
      var box = popup(point.title, { properties: point.properties });
      var state = document.createElement("p");
      state.textContent = label;
      box.insertBefore(state, box.children[1]);
      if (point.spread && status) {
        var note = document.createElement("p");
        note.className = "muted";
        note.textContent = status.dataset.spread;
        box.appendChild(note);
      }
      if (point.href && point.href.charAt(0) === "/" && point.href.charAt(1) !== "/") {
        var link = document.createElement("a");
        link.href = point.href;
        link.textContent = (status && status.dataset.open) || point.title;
        box.appendChild(link);
      }
      return box;
    }

    function render(body) {
      var states = {};
      (body.states || []).forEach(function (s) { states[s.key] = s; });
      group.clearLayers();
      (body.points || []).forEach(function (point) {
        var s = states[point.state] || { label: point.state, tone: "none" };
        var marker = L.circleMarker([point.lat, point.lon], {
          radius: 5, color: "#ffffff", weight: 1, fillColor: TONE[s.tone] || TONE.none, fillOpacity: 0.95,
          className: "gis-live-mark gis-live-" + point.state
        });
        marker.bindPopup(function () { return livePopup(point, s.label); });
        var tip = document.createElement("span");
        tip.textContent = point.title + " · " + s.label;
        marker.bindTooltip(tip);
        group.addLayer(marker);
      });
      if (legend) {
        legend.textContent = "";
        (body.states || []).forEach(function (s) {
          var li = document.createElement("li");
          li.dataset.state = s.key;
          li.dataset.count = String(s.count);
          var swatch = document.createElement("span");
          swatch.className = "swatch swatch-tone-" + s.tone;
          swatch.setAttribute("aria-hidden", "true");
          li.appendChild(swatch);
          li.appendChild(document.createTextNode(s.label + " " + Number(s.count).toLocaleString(document.documentElement.lang || "ko")));
          legend.appendChild(li);
        });
      }
      canvas.dataset.livePoints = String((body.points || []).length);
      canvas.dataset.liveAt = body.at || "";
      if (status && body.at) {
        status.textContent = status.dataset.at.replace("{at}", new Date(body.at).toLocaleString(document.documentElement.lang || "ko", { timeZone: "Asia/Seoul" }));
      }
    }

    function read() {
      if (document.hidden && !first) { schedule(); return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) { throw new Error(String(r.status)); }
          return r.json();
        })
        .then(function (body) {
          render(body);
          if (first) { first = false; firstDrawn(group); }
          schedule();
        })
        .catch(function () {
          if (status) { status.textContent = status.dataset.failed; }
          if (first) { first = false; firstDrawn(group); }
          schedule();
        });
    }
    function schedule() {
      if (every > 0 && document.body.contains(canvas)) { window.setTimeout(read, every * 1000); }
    }
    read();
    return group;
  }

  function start() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll(".gis-map-canvas").forEach(draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("htmx:afterSettle", start);
})();
