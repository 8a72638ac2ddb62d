// Extract Frontier Watch's reference geography from Natural Earth 1:10m.
//
// Source: npm package world-atlas 2.0.2, file countries-10m.json (TopoJSON built from
// Natural Earth 1:10m Admin 0 countries). Afghanistan is id "004", Tajikistan "762".
// Output: ../frontierwatch/data/geodata/frontier.geojson, one FeatureCollection with
//   - a Feature per country (properties {iso_a2, name}),
//   - a Feature for their shared border line (properties {kind: "border", between: ["AF", "TJ"]}).
//
// Run:   cd scripts/geodata && npm ci && node extract_reference_geography.mjs
// Check: node extract_reference_geography.mjs --check   (exit 1 if the shipped file differs)
//
// Polygons are rewound to RFC 7946 order (exterior rings counter-clockwise).
// The output is deterministic: fixed key order, coordinates rounded to 5 decimals (about 1 m),
// no timestamps, so a rerun produces the same bytes.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { feature, mesh } from "topojson-client";

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "..", "frontierwatch", "data", "geodata", "frontier.geojson");

const PACKAGE = "world-atlas";
const EXPECTED_VERSION = "2.0.2";
const FILE = "countries-10m.json";
const COUNTRIES = [
  { id: "004", iso_a2: "AF" },
  { id: "762", iso_a2: "TJ" },
];
const DECIMALS = 5;

function load() {
  const pkg = require(`${PACKAGE}/package.json`);
  if (pkg.version !== EXPECTED_VERSION) {
    throw new Error(`${PACKAGE} ${pkg.version} installed, ${EXPECTED_VERSION} expected: run npm ci`);
  }
  const topology = JSON.parse(readFileSync(require.resolve(`${PACKAGE}/${FILE}`), "utf8"));
  return topology;
}

const FACTOR = 10 ** DECIMALS;
const round = (v) => Math.round(v * FACTOR) / FACTOR;

// Round a line or ring and drop consecutive duplicate positions created by rounding.
function roundLine(line) {
  const out = [];
  for (const [x, y] of line) {
    const p = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

// Signed planar area (shoelace) in lon/lat: > 0 means counter-clockwise.
function signedArea(ring) {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    sum += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  }
  return sum / 2;
}

// RFC 7946 section 3.1.6: exterior rings counter-clockwise, holes clockwise.
// (topojson-client emits d3's convention, which is the opposite.)
function rewindPolygon(rings) {
  return rings.map((ring, i) => {
    const ccw = signedArea(ring) > 0;
    return (i === 0) === ccw ? ring : ring.slice().reverse();
  });
}

function roundGeometry(geometry) {
  switch (geometry.type) {
    case "LineString":
      return { type: "LineString", coordinates: roundLine(geometry.coordinates) };
    case "MultiLineString":
      return { type: "MultiLineString", coordinates: geometry.coordinates.map(roundLine) };
    case "Polygon":
      return { type: "Polygon", coordinates: rewindPolygon(geometry.coordinates.map(roundLine)) };
    case "MultiPolygon":
      return {
        type: "MultiPolygon",
        coordinates: geometry.coordinates.map((poly) => rewindPolygon(poly.map(roundLine))),
      };
    default:
      throw new Error(`unexpected geometry type ${geometry.type}`);
  }
}

// Haversine length in km of a LineString / MultiLineString (mean Earth radius 6371.0088 km).
function lengthKm(geometry) {
  const R = 6371.0088;
  const rad = Math.PI / 180;
  const lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
  let total = 0;
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const [lon1, lat1] = line[i - 1];
      const [lon2, lat2] = line[i];
      const dlat = (lat2 - lat1) * rad;
      const dlon = (lon2 - lon1) * rad;
      const a =
        Math.sin(dlat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dlon / 2) ** 2;
      total += 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
    }
  }
  return total;
}

function build(topology) {
  const object = topology.objects.countries;
  const features = COUNTRIES.map(({ id, iso_a2 }) => {
    const geometry = object.geometries.find((g) => g.id === id);
    if (!geometry) throw new Error(`country id ${id} not found in ${FILE}`);
    const f = feature(topology, geometry);
    return {
      type: "Feature",
      id: iso_a2,
      properties: { iso_a2, name: f.properties.name },
      geometry: roundGeometry(f.geometry),
    };
  });

  const [a, b] = COUNTRIES.map((c) => c.id);
  const shared = mesh(
    topology,
    object,
    (x, y) => x !== y && ((x.id === a && y.id === b) || (x.id === b && y.id === a)),
  );
  if (!shared.coordinates.length) throw new Error("no shared border found");
  // mesh() returns a MultiLineString; the two countries share one arc, so ship a LineString.
  const border =
    shared.coordinates.length === 1
      ? { type: "LineString", coordinates: shared.coordinates[0] }
      : shared;
  features.push({
    type: "Feature",
    id: "AF-TJ",
    properties: { kind: "border", between: COUNTRIES.map((c) => c.iso_a2) },
    geometry: roundGeometry(border),
  });
  return features;
}

function serialise(features) {
  // One feature per line: compact, yet diffs stay readable.
  const head =
    '{"type":"FeatureCollection",' +
    `"source":${JSON.stringify(`Natural Earth 1:10m (public domain) via npm ${PACKAGE}@${EXPECTED_VERSION} ${FILE}; see README.md`)},` +
    '"features":[\n';
  return head + features.map((f) => JSON.stringify(f)).join(",\n") + "\n]}\n";
}

const text = serialise(build(load()));
const features = JSON.parse(text).features;
const border = features.find((f) => f.properties.kind === "border");
const summary = {
  file: relative(process.cwd(), OUT),
  bytes: Buffer.byteLength(text),
  sha256: createHash("sha256").update(text).digest("hex"),
  features: features.length,
  border_vertices:
    border.geometry.type === "LineString"
      ? border.geometry.coordinates.length
      : border.geometry.coordinates.reduce((n, l) => n + l.length, 0),
  border_length_km: Number(lengthKm(border.geometry).toFixed(1)),
};

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUT, "utf8");
  } catch {
    // missing file counts as drift
  }
  if (current !== text) {
    console.error(`${summary.file} is out of date: rerun node extract_reference_geography.mjs`);
    process.exit(1);
  }
  console.log(`${summary.file} is up to date`);
} else {
  writeFileSync(OUT, text);
}
console.log(JSON.stringify(summary, null, 2));
