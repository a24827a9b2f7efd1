"""adverse_events.csv (harms as the sources we read report them, n of N) and established_harms.csv
(harms well known from a label or a review, to name where the sources held report none)."""
from __future__ import annotations

import pandera.pandas as pa

from ..fields import Int, StrictTable, Text, failing, locator, note, ref, url
from ..rule import Rule
from ..text_checks import free_text

EVENT_ABOVE_DENOMINATOR = Rule("event_count_above_denominator", "patients", "is larger than of_patients ({of_patients})",
                               "patients with the event no more than the patients it is counted in")
EVENT_NEEDS_TEXT = Rule("event_needs_words", "event", "is empty for kind event",
                        "a short description of the harm, in our words, when kind is event")
HARM_LISTED_ONCE = Rule("established_harm_listed_once", "harm", "repeats a row: the same treatment, route, harm and source",
                        "each harm of a treatment by a route once per source")
NONE_REPORTED_HAS_COUNT = Rule("none_reported_has_no_count", "patients",
                               "is set although kind is none_reported_by_source",
                               "empty: a source that reports no harm has no count of patients with one")


class AdverseEvents(StrictTable):
    """Harms of a treatment as a source reports them: one row per source, treatment, route and event."""

    adverse_event_id: Text = pa.Field(unique=True, str_matches=r"^[a-z][a-z0-9_]*\.[a-z0-9_]+\.[0-9]+$",
                                      description="Stable identifier: source, treatment and a number.",
                                      metadata={"allowed": "source_id.treatment_id.n, e.g. narvaez2019.rituximab.1"})
    source_id: Text = ref("sources.source_id", "Publication that reports the harm.")
    facts_via: Text = ref("sources.source_id", "Publication it was read in when it is not source_id (e.g. a review "
                          "quoting a primary study).", nullable=True)
    case_id: Text = ref("cases.case_id", "The patient, when the harm is reported for one patient of cases.csv.",
                        nullable=True)
    treatment_id: Text = ref("vocab_treatments.treatment_id", "The treatment.")
    route: Text = ref("vocab_routes.route_id", "How the treatment was given.")
    kind: Text = pa.Field(isin=["event", "none_reported_by_source"],
                          description="event: a harm the source reports; none_reported_by_source: the source states "
                                      "that no adverse event occurred (silence is not recorded as no harm).")
    event: Text = pa.Field(nullable=True, description="The harm, in our words.", **free_text(max_length=120))
    patients: Int = pa.Field(nullable=True, ge=0, le=100_000, description="Patients with the event, as printed.")
    of_patients: Int = pa.Field(nullable=True, ge=1, le=100_000, description="Patients it is counted in, as printed.")
    as_printed: Text = pa.Field(nullable=True, description="The count as printed, for audit.", **free_text(max_length=80))
    locator: Text = locator("Where in the source the harm is reported.")
    note: Text = note()

    @pa.dataframe_check(name=EVENT_ABOVE_DENOMINATOR.id)
    def _event_above_denominator(cls, df):
        return failing(df["patients"] > df["of_patients"])

    @pa.dataframe_check(name=EVENT_NEEDS_TEXT.id)
    def _event_needs_text(cls, df):
        return failing((df["kind"] == "event") & df["event"].isna())

    @pa.dataframe_check(name=NONE_REPORTED_HAS_COUNT.id)
    def _none_reported_has_count(cls, df):
        return failing((df["kind"] == "none_reported_by_source") & df["patients"].notna() & (df["patients"] > 0))


class EstablishedHarms(StrictTable):
    """Harms that are well established for a treatment (a drug label, a review or a trial), so a page can
    name them where the calcinosis sources we hold report none."""

    treatment_id: Text = ref("vocab_treatments.treatment_id", "The treatment.")
    route: Text = ref("vocab_routes.route_id", "The route the harm is established for.")
    harm: Text = pa.Field(description="The harm, in our words.", **free_text(max_length=120))
    source_id: Text = ref("sources.source_id", "Where it is established.")
    locator: Text = locator("Where in that source.")
    url: Text = url("The page it was read from.")
    note: Text = note()

    @pa.dataframe_check(name=HARM_LISTED_ONCE.id)
    def _harm_listed_once(cls, df):
        return failing(df.duplicated(["treatment_id", "route", "harm", "source_id"], keep="first"))
