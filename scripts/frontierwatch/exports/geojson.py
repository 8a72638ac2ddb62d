"""`incidents.geojson`: one RFC 7946 Point feature per located incident, newest first.

Coordinates are [longitude, latitude] in WGS 84, rounded no finer than the point is known: 5 decimals
(about a metre) for an exact point, down to 1 decimal (about 11 km) for a country centre. Incidents
without any point (neither their own nor their place's) are left out; the CSV keeps them.
Properties are flat (one value per key) so desktop GIS tools read them as columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from frontierwatch.data.vocab import ACLED_GEO_PRECISION, PRECISION_RADIUS_KM, caveats
from frontierwatch.exports.common import Context, Counted, json_by_line, write_json_by_line
from frontierwatch.views import DataView

#: Decimal places kept per precision (5 decimals is ~1 m, 1 decimal ~11 km).
DECIMALS = {"exact": 5, "near": 3, "district": 2, "province": 2, "region": 1, "country": 1}


def round_coord(value: float, precision: str) -> float:
    return round(float(value), DECIMALS.get(precision, 5)) + 0.0  # + 0.0 turns -0.0 into 0.0


def features(ctx: Context) -> list[dict[str, Any]]:
    return list(each_feature(ctx))


def each_feature(ctx: Context) -> Iterator[dict[str, Any]]:
    """The located incidents' features, newest first, one at a time."""
    ds = ctx.ds
    for inc in DataView.of(ds).incidents_newest_first():
        point = ds.point_of(inc)
        if point is None:
            continue
        pt, precision = point
        place = ds.places.get(inc.place)
        country = ds.country_of(inc)
        fat = inc.fatalities
        props: dict[str, Any] = {
            "id": inc.id,
            "title": inc.title,
            "date": str(inc.date),
            "date_end": str(inc.date_end) if inc.date_end else None,
            "date_precision": str(inc.date_precision),
            "event_type": str(inc.event_type),
            "sub_event_type": str(inc.sub_event_type),
            "place": inc.place,
            "place_name": place.name if place else inc.place,
            "country": country.name if country else (place.country if place else None),
            "precision": precision,
            "uncertainty_km": PRECISION_RADIUS_KM[precision],
            "geo_precision": ACLED_GEO_PRECISION[precision],
            "actors": "; ".join(
                f"{ds.label(a.actor)} ({a.role}" + (f", {a.attribution})" if a.attribution else ")") for a in inc.actors
            ),
            "fatalities_low": fat.low if fat else None,
            "fatalities_best": fat.best if fat else None,
            "fatalities_high": fat.high if fat else None,
            "events": inc.event_count.qualifier if inc.event_count else None,
            "tags": list(inc.tags),
            "caveats": "; ".join(why for _, why in caveats(inc.tags)) or None,
            "summary": inc.summary,
            "sources": len(inc.sources),
            "url": ctx.url("incidents", inc.id),
        }
        yield {
            "type": "Feature",
            "id": inc.id,
            "geometry": {
                "type": "Point",
                "coordinates": [round_coord(pt.lon, precision), round_coord(pt.lat, precision)],
            },
            "properties": props,
        }


def document(ctx: Context, features: Iterable[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The feature collection (`features`: all of them unless given; an iterator is written as it comes)."""
    return {"type": "FeatureCollection", "features": list(each_feature(ctx)) if features is None else features}


def render(ctx: Context) -> str:
    return json_by_line(document(ctx), _DEPTH) + "\n"


#: One feature a line (`json_by_line`).
_DEPTH = 2


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    features = Counted(each_feature(ctx))  # written as they are made
    write_json_by_line(out_dir / "incidents.geojson", document(ctx, features), _DEPTH)
    n = features.count
    return [
        (
            "incidents.geojson",
            "application/geo+json",
            n,
            "Located incidents as GeoJSON points (RFC 7946), with key facts and page address.",
        )
    ]
