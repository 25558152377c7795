/* A small reader of Mapbox Vector Tiles (MVT 2.1, protocol buffers) and a Leaflet grid layer that
   draws them on canvas, without WebGL. Our own code after the two public specifications
   (https://github.com/mapbox/vector-tile-spec, the protobuf wire format); no third-party source. It
   reads what /gis/tiles/… writes: layers of features with ids, properties and geometry commands. */
(function () {
  "use strict";

  // -- protocol buffers: varints, length-delimited fields ----------------------------------------
  function Reader(bytes, start, end) { this.b = bytes; this.pos = start || 0; this.end = end === undefined ? bytes.length : end; }
  Reader.prototype.varint = function () {
    var result = 0, mul = 1, byte;
    do {
      if (this.pos >= this.end) { throw new Error("mvt: truncated varint"); }
      byte = this.b[this.pos++];
      result += (byte & 0x7f) * mul;  // arithmetic, not bit shifts: values beyond 2^31 stay right
      mul *= 128;
    } while (byte & 0x80);
    return result;
  };
  Reader.prototype.zigzag = function () { var n = this.varint(); return n % 2 === 1 ? -(n + 1) / 2 : n / 2; };
  Reader.prototype.sub = function () { var len = this.varint(); var r = new Reader(this.b, this.pos, this.pos + len); this.pos += len; return r; };
  Reader.prototype.string = function () { var r = this.sub(); return new TextDecoder("utf-8").decode(this.b.subarray(r.pos, r.end)); };
  Reader.prototype.packed = function () { var r = this.sub(), out = []; while (r.pos < r.end) { out.push(r.varint()); } return out; };
  Reader.prototype.skip = function (wire) {
    if (wire === 0) { this.varint(); } else if (wire === 1) { this.pos += 8; } else if (wire === 2) { this.pos += this.varint(); } else if (wire === 5) { this.pos += 4; } else { throw new Error("mvt: wire type " + wire); }
  };
  Reader.prototype.each = function (fn) {
    while (this.pos < this.end) {
      var key = this.varint();
      if (!fn(key >> 3, key & 7, this)) { this.skip(key & 7); }
    }
  };

  function readValue(r) {
    var value = null;
    r.each(function (field, wire, rr) {
      var view;
      if (field === 1) { value = rr.string(); return true; }
      if (field === 2 && wire === 5) { view = new DataView(rr.b.buffer, rr.b.byteOffset + rr.pos, 4); value = view.getFloat32(0, true); rr.pos += 4; return true; }
      if (field === 3 && wire === 1) { view = new DataView(rr.b.buffer, rr.b.byteOffset + rr.pos, 8); value = view.getFloat64(0, true); rr.pos += 8; return true; }
      if (field === 4 || field === 5) { value = rr.varint(); return true; }  // int64 (non-negative here), uint64
      if (field === 6) { value = rr.zigzag(); return true; }
      if (field === 7) { value = rr.varint() !== 0; return true; }
      return false;
    });
    return value;
  }

  // Geometry commands (spec 4.3): MoveTo 1, LineTo 2, ClosePath 7, parameters zigzag-encoded deltas.
  function readGeometry(commands) {
    var rings = [], ring = null, x = 0, y = 0, i = 0;
    while (i < commands.length) {
      var c = commands[i++], id = c & 7, count = c >> 3;
      if (id === 1 || id === 2) {
        for (var k = 0; k < count; k++) {
          var dx = commands[i++], dy = commands[i++];
          x += dx % 2 === 1 ? -(dx + 1) / 2 : dx / 2;
          y += dy % 2 === 1 ? -(dy + 1) / 2 : dy / 2;
          if (id === 1) { ring = []; rings.push(ring); }
          ring.push([x, y]);
        }
      } else if (id === 7) {
        if (ring && ring.length) { ring.push([ring[0][0], ring[0][1]]); }
      } else { throw new Error("mvt: command " + id); }
    }
    return rings;
  }

  function readFeature(r, keys, values) {
    var f = { id: null, type: 0, properties: {}, rings: [] }, tags = [], geometry = [];
    r.each(function (field, wire, rr) {
      if (field === 1) { f.id = rr.varint(); return true; }
      if (field === 2) { tags = rr.packed(); return true; }
      if (field === 3) { f.type = rr.varint(); return true; }
      if (field === 4) { geometry = rr.packed(); return true; }
      return false;
    });
    for (var i = 0; i + 1 < tags.length; i += 2) { f.properties[keys[tags[i]]] = values[tags[i + 1]]; }
    f.rings = readGeometry(geometry);
    return f;
  }

  function readLayer(r) {
    var layer = { name: "", extent: 4096, features: [] }, keys = [], values = [], raw = [];
    r.each(function (field, wire, rr) {
      if (field === 1) { layer.name = rr.string(); return true; }
      if (field === 2) { raw.push(rr.sub()); return true; }
      if (field === 3) { keys.push(rr.string()); return true; }
      if (field === 4) { values.push(readValue(rr.sub())); return true; }
      if (field === 5) { layer.extent = rr.varint(); return true; }
      return false;
    });
    layer.features = raw.map(function (fr) { return readFeature(fr, keys, values); });
    return layer;
  }

  // A tile's bytes → {layerName: {name, extent, features: [{id, type (1 point, 2 line, 3 polygon), properties, rings}]}}
  function decode(buffer) {
    var r = new Reader(new Uint8Array(buffer)), layers = {};
    r.each(function (field, wire, rr) {
      if (field === 3) { var layer = readLayer(rr.sub()); layers[layer.name] = layer; return true; }
      return false;
    });
    return layers;
  }

  // -- drawing on a Leaflet grid layer -----------------------------------------------------------
  function drawFeature(ctx, f, scale, style) {
    ctx.beginPath();
    if (f.type === 1) {
      f.rings.forEach(function (ring) { ring.forEach(function (p) { ctx.moveTo(p[0] * scale + 3, p[1] * scale); ctx.arc(p[0] * scale, p[1] * scale, 3, 0, 2 * Math.PI); }); });
      ctx.fillStyle = style.fillColor || style.color; ctx.fill();
      return;
    }
    f.rings.forEach(function (ring) {
      ring.forEach(function (p, i) { if (i === 0) { ctx.moveTo(p[0] * scale, p[1] * scale); } else { ctx.lineTo(p[0] * scale, p[1] * scale); } });
    });
    if (f.type === 3 && style.fillColor) { ctx.globalAlpha = style.fillOpacity || 0.5; ctx.fillStyle = style.fillColor; ctx.fill("evenodd"); ctx.globalAlpha = 1; }
    ctx.strokeStyle = style.color; ctx.lineWidth = style.weight || 1; ctx.stroke();
  }

  // L.gisVectorTiles(urlTemplate, style, onTile): a canvas per tile, filled from /gis/tiles/…/{z}/{x}/{y}.mvt.
  function install(L) {
    var VectorTiles = L.GridLayer.extend({
      initialize: function (url, style, onTile, options) {
        this._url = url; this._style = style; this._onTile = onTile || function () {};
        L.GridLayer.prototype.initialize.call(this, options);
      },
      createTile: function (coords, done) {
        var tile = L.DomUtil.create("canvas", "gis-vector-tile");
        var size = this.getTileSize();
        tile.width = size.x; tile.height = size.y;
        var url = this._url.replace("{z}", coords.z).replace("{x}", coords.x).replace("{y}", coords.y);
        var style = this._style, onTile = this._onTile;
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/vnd.mapbox-vector-tile" } })
          .then(function (r) {
            if (r.status === 204) { return null; }
            if (!r.ok) { throw new Error(String(r.status)); }
            return r.arrayBuffer();
          })
          .then(function (buffer) {
            var drawn = 0;
            if (buffer) {
              var layers = decode(buffer), ctx = tile.getContext("2d");
              Object.keys(layers).forEach(function (name) {
                var layer = layers[name], scale = size.x / layer.extent;
                layer.features.forEach(function (f) { drawFeature(ctx, f, scale, style); drawn += 1; });
              });
            }
            tile.dataset.features = String(drawn);
            onTile(drawn, null);
            done(null, tile);
          })
          .catch(function (err) { tile.dataset.failed = "1"; onTile(0, err); done(err, tile); });
        return tile;
      }
    });
    L.gisVectorTiles = function (url, style, onTile, options) { return new VectorTiles(url, style, onTile, options); };
  }

  window.gisMvt = { decode: decode };
  if (typeof L !== "undefined") { install(L); } else { document.addEventListener("DOMContentLoaded", function () { if (typeof L !== "undefined") { install(L); } }); }
})();
