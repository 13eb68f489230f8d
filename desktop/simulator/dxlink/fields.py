"""The DXLink event field catalogue: names, value kinds, defaults and field selection.

Field names and kinds follow the dxFeed AsyncAPI spec (dxlink.md section 5.2): ``D`` is a
``JSONDouble`` (a number or the strings ``"NaN"``/``"Infinity"``/``"-Infinity"``), ``N`` an
integer-valued number (times, ids, flags), ``S`` a string (``null`` when absent) and ``B`` a
boolean. Clients choose fields per event type in ``FEED_SETUP``; names are matched
case-insensitively and echoed exactly as requested, and names the catalogue does not know are
kept (filled with ``"NaN"``) so that positional decoders never shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["D", "N", "S", "B", "?"]

_CATALOGUE_TEXT: Final[dict[str, str]] = {
    "Quote": "eventSymbol:S eventTime:N sequence:N timeNanoPart:N bidTime:N bidExchangeCode:S "
    "bidPrice:D bidSize:D askTime:N askExchangeCode:S askPrice:D askSize:D",
    "Trade": "eventSymbol:S eventTime:N time:N timeNanoPart:N sequence:N exchangeCode:S price:D "
    "change:D size:D dayId:N dayVolume:D dayTurnover:D tickDirection:S extendedTradingHours:B",
    "TradeETH": "eventSymbol:S eventTime:N time:N timeNanoPart:N sequence:N exchangeCode:S price:D "
    "change:D size:D dayId:N dayVolume:D dayTurnover:D tickDirection:S extendedTradingHours:B",
    "Summary": "eventSymbol:S eventTime:N dayId:N dayOpenPrice:D dayHighPrice:D dayLowPrice:D "
    "dayClosePrice:D dayClosePriceType:S prevDayId:N prevDayClosePrice:D prevDayClosePriceType:S "
    "prevDayVolume:D openInterest:N",
    "Profile": "eventSymbol:S eventTime:N description:S shortSaleRestriction:S tradingStatus:S "
    "statusReason:S haltStartTime:N haltEndTime:N highLimitPrice:D lowLimitPrice:D "
    "high52WeekPrice:D low52WeekPrice:D beta:D earningsPerShare:D dividendFrequency:D "
    "exDividendAmount:D exDividendDayId:N shares:D freeFloat:D",
    "Greeks": "eventSymbol:S eventTime:N eventFlags:N index:N time:N sequence:N price:D "
    "volatility:D delta:D gamma:D theta:D rho:D vega:D",
    "TheoPrice": "eventSymbol:S eventTime:N eventFlags:N index:N time:N sequence:N price:D "
    "underlyingPrice:D delta:D gamma:D dividend:D interest:D",
    "Underlying": "eventSymbol:S eventTime:N eventFlags:N index:N time:N sequence:N volatility:D "
    "frontVolatility:D backVolatility:D callVolume:D putVolume:D putCallRatio:D",
    "TimeAndSale": "eventSymbol:S eventTime:N eventFlags:N index:N time:N timeNanoPart:N sequence:N "
    "exchangeCode:S price:D size:D bidPrice:D askPrice:D exchangeSaleConditions:S "
    "tradeThroughExempt:S aggressorSide:S spreadLeg:B extendedTradingHours:B validTick:B type:S "
    "buyer:S seller:S",
    "Candle": "eventSymbol:S eventTime:N eventFlags:N index:N time:N sequence:N count:N open:D "
    "high:D low:D close:D volume:D VWAP:D bidVolume:D askVolume:D impVolatility:D openInterest:D",
}


def _parse(text: str) -> tuple[tuple[str, Kind], ...]:
    pairs = (item.split(":") for item in text.split())
    return tuple((name, kind) for name, kind in pairs)  # type: ignore[misc]


#: event type -> ((canonical field name, kind), ...) in the spec's order, ``eventType`` excluded.
CATALOGUE: Final[dict[str, tuple[tuple[str, Kind], ...]]] = {
    etype: _parse(text) for etype, text in _CATALOGUE_TEXT.items()
}

#: Event types the embedded exchange produces data for (others are accepted and stay silent).
PRODUCED_TYPES: Final[frozenset[str]] = frozenset(
    {"Quote", "Trade", "Summary", "Profile", "Greeks", "TheoPrice", "Candle"}
)

#: Server default Quote fields when the client asked for none (live capture, dxlink.md 2.2).
DEFAULT_QUOTE_FIELDS: Final[tuple[str, ...]] = (
    "eventType",
    "eventSymbol",
    "eventTime",
    "sequence",
    "timeNanoPart",
    "bidTime",
    "bidExchangeCode",
    "bidPrice",
    "bidSize",
    "askTime",
    "askExchangeCode",
    "askPrice",
    "askSize",
)

_LOWER_INDEX: Final[dict[str, dict[str, tuple[str, Kind]]]] = {
    etype: {name.lower(): (name, kind) for name, kind in fields} for etype, fields in CATALOGUE.items()
}


def default_fields(event_type: str) -> tuple[str, ...]:
    """The field list used when a client sent no ``acceptEventFields`` for ``event_type``."""
    if event_type == "Quote":
        return DEFAULT_QUOTE_FIELDS
    return ("eventType", *(name for name, _ in CATALOGUE.get(event_type, ())))


@dataclass(frozen=True, slots=True)
class ResolvedField:
    """One requested field: the name echoed to the client, the catalogue name and its kind.

    ``canonical`` is ``"eventType"`` for the type marker and ``None`` for a name the catalogue
    does not know (its value is always ``"NaN"``).
    """

    requested: str
    canonical: str | None
    kind: Kind


def resolve_fields(event_type: str, requested: tuple[str, ...]) -> tuple[ResolvedField, ...]:
    """Match requested names to the catalogue case-insensitively, keeping order and unknowns."""
    index = _LOWER_INDEX.get(event_type, {})
    resolved = []
    for name in requested:
        low = name.lower()
        if low == "eventtype":
            resolved.append(ResolvedField(name, "eventType", "S"))
            continue
        hit = index.get(low)
        if hit is None:
            resolved.append(ResolvedField(name, None, "?"))
        else:
            resolved.append(ResolvedField(name, hit[0], hit[1]))
    return tuple(resolved)


def merge_field_requests(
    current: dict[str, tuple[str, ...]], accept_event_fields: object
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Merge a FEED_SETUP ``acceptEventFields`` into the per-type table of a channel.

    Returns the new table and a list of problems (for an ``ERROR`` reply); types absent from
    the request keep their previous fields (a per-type merge, as the official client expects).
    Duplicate names in one list are dropped after their first occurrence.
    """
    table = dict(current)
    problems: list[str] = []
    if accept_event_fields is None:
        return table, problems
    if not isinstance(accept_event_fields, dict):
        return table, ["acceptEventFields must be an object of event type -> field list"]
    for etype, names in accept_event_fields.items():
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            problems.append(f"acceptEventFields.{etype} must be a non-empty list of field names")
            continue
        seen: set[str] = set()
        unique = []
        for name in names:
            if name.lower() not in seen:
                seen.add(name.lower())
                unique.append(name)
        table[str(etype)] = tuple(unique)
    return table, problems
