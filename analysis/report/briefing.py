"""The briefing, section by section: each section is one function of an opened :class:`Briefing`,
its words in its own template (``analysis/report/templates/sections/<name>.html.j2``).

Notebook 90 opens the briefing once and shows :data:`SECTIONS` in order. The claims behind the key
messages are evaluated once, when first asked for, and their tables saved with this run's
parameters; every other number comes from a table an earlier notebook saved in this build, read
through :func:`analysis.report.output.read_table`, which refuses one from another run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

import pandas as pd
from markupsafe import Markup

from analysis.coding.functions import function_roles
from analysis.compare import claims as cl
from analysis.compare.study_tables import source_pairs
from analysis.evidence.readers import raise_if
from analysis.report import by_question as bq
from analysis.report import findings as fx
from analysis.report.explorer import EVIDENCE_PAGE, ExplorerPages, behind_anchor, explorer_themes, write_explorer
from analysis.report.figure_data import level_word
from analysis.report.markup import caption, markdown_html, names, phrase, render
from analysis.report.registry import registered, run_first
from analysis.report.output import figure_evidence, figure_html, in_project, read_table, save_table, table_html


@dataclass(frozen=True)
class Claims:
    """The claims of one build, evaluated once: the evidence, the claims, their registry and grid,
    and the key messages made from them."""

    evidence: cl.Evidence
    claims: list[cl.Claim]
    registry: pd.DataFrame
    grid: pd.DataFrame
    messages: list[bq.KeyMessage]


@dataclass
class Briefing:
    """One build's briefing: the opened study, where this build's tables and figures are, and
    the explorer's pages that every evidence link goes through."""

    study: Any
    tables_dir: str
    figures_dir: str
    exports_dir: str
    figure_numbers: dict[str, int] = field(default_factory=dict)

    # --- what every section reads ------------------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """A table this build saved, refused if it was made with other run parameters."""
        return read_table(self.tables_dir, name, self.study.parameters, run_first(name, "the notebook that writes it"))

    def save(self, table: pd.DataFrame, name: str) -> None:
        save_table(table, self.tables_dir, name, self.study.parameters)

    @property
    def labels(self) -> dict[str, str]:
        return self.study.labels

    @property
    def level_word(self) -> str:
        return level_word(self.study)

    @property
    def by_group(self) -> bool:
        return self.study.group_column == "speaker_group"

    @cached_property
    def sources(self) -> pd.DataFrame:
        from analysis.evidence.loaders import load_sources

        return load_sources(self.study.data)

    @cached_property
    def groups(self) -> dict:
        from analysis.evidence.loaders import load_groups

        return load_groups(self.study.data)

    @cached_property
    def synthesis(self) -> list[dict]:
        from analysis.coding.questions import read_synthesis

        return read_synthesis(self.study.data)[0]

    @cached_property
    def explorer_themes(self) -> list[dict]:
        study = self.study
        titles = self.sources.set_index("source_id")["title"].to_dict()
        definitions = {entry["id"]: entry.get("description") or entry.get("brief_definition", "")
                       for entry in [*study.codebook["themes"], *study.codebook["codes"]]}
        return explorer_themes(study.presence, study.contributions, study.group_column, self.labels, definitions, titles)

    @cached_property
    def pages(self) -> ExplorerPages:
        """The explorer's pages: one, or an index and a page per cell beyond a size."""
        return ExplorerPages.of(self.explorer_themes)

    @cached_property
    def claims(self) -> Claims:
        """The claims, evaluated once on the baseline and under every check, and the key messages."""
        study = self.study
        evidence = cl.study_evidence(study)
        claims = cl.candidate_claims(evidence, list(study.vocabulary.questions))
        registry, grid = cl.registry(evidence, claims), cl.grids(evidence, claims)
        messages = bq.key_messages(evidence, registry, claims, grid, study.vocabulary.questions, self.synthesis,
                                   study.contributions, self.groups["speaker_groups"], self.sources, self.labels, study.reliability)
        return Claims(evidence, claims, registry, grid, messages)

    def who(self, contribution_id: str) -> str:
        """Who made a statement and when, as quotes are attributed: the group, or "one person" with their role, and the year."""
        quote = bq.attributed(contribution_id, self.study.contributions, self.groups["speaker_groups"], self.sources)
        return phrase("speaker_year", speaker=quote.speaker, year=quote.year)

    def figure(self, name: str, evidence: str = "") -> Markup:
        """A saved figure, numbered in order of first showing, with a link to the statements behind it."""
        number = self.figure_numbers.setdefault(name, len(self.figure_numbers) + 1)
        return Markup(figure_html(self.figures_dir, name, number, self.study.parameters, run_first(name, "the build"))) + render(
            "sections/figure_evidence.html.j2", href=self.pages.href(evidence or behind_anchor(name)), number=number)

    def has_figure(self, name: str) -> bool:
        return (in_project(self.figures_dir) / f"{name}.svg").exists()


# --- the sections, in the briefing's order ---------------------------------------------------


def key_messages(b: Briefing) -> Markup:
    """Page 1: the key messages, how sure each is, and what the documents are; saves the claims,
    their checks and the key messages as printed (``claims``, ``claims_grid``, ``key_messages``)."""
    study, claims = b.study, b.claims
    contributions = study.contributions
    answered = {m.question for m in claims.messages}
    page = render(
        "key_messages.html.j2", evidence=b.pages.href, messages=claims.messages,
        unsupported=names([e["label"].lower() for q, e in study.vocabulary.questions.items() if q not in answered]),
        unsupported_count=sum(q not in answered for q in study.vocabulary.questions), minimum=cl.MIN_LIVE_CHECKS,
        n_sources=contributions["source_id"].nunique(), n_statements=len(contributions),
        n_groups=contributions[study.group_column].nunique(), by_group=b.by_group, n_sets=len(study.source_sets),
        sets=names(bq.source_set_names(claims.evidence, b.labels, b.groups["speaker_groups"], study.source_sets)),
        sectors=names([entry["label"].lower() for sector, entry in study.vocabulary.sectors.items()
                       if sector in set(contributions["speaker_sector"])]),
        fixture=study.data.path.name if study.is_fixture else "",
    )
    b.save(claims.registry, "claims")
    b.save(claims.grid, "claims_grid")
    b.save(bq.messages_table(claims.messages, bq.printed_messages(page)), "key_messages")
    return page


def implications(b: Briefing) -> Markup:
    """What this means: the analysts' interpretation (data/implications.yaml), for the key messages this build has."""
    from analysis.coding.implications import implications_shown, read_implications

    shown = implications_shown(read_implications(b.study.data)[0], [m.question for m in b.claims.messages])
    labels = {question: entry["label"] for question, entry in b.study.vocabulary.questions.items()}
    return render("implications.html.j2", implications=shown, labels=labels) if shown else Markup()


def by_question(b: Briefing) -> Markup:
    """The findings, question by question, in the speakers' own voice; then what was written about groups."""
    study, evidence = b.study, b.claims.evidence
    subject_labels = {group: entry["label"] for group, entry in b.groups.get("subject_groups", {}).items()}
    return render(
        "by_question.html.j2", evidence=b.pages.href,
        sections=bq.question_sections(evidence, study.vocabulary.questions, b.synthesis, study.contributions,
                                      b.groups["speaker_groups"], b.sources, b.labels, study.source_sets, table_html,
                                      lambda label: caption("question_codes", question=label)),
        written_about=bq.written_about(evidence, b.labels, subject_labels),
    )


def limitations(b: Briefing) -> Markup:
    """What this evidence cannot show."""
    return render("sections/limitations.html.j2")


def appendix(b: Briefing) -> Markup:
    """The technical appendix's opening, and the pooled view's tables and figures (description, not findings)."""
    study = b.study
    prevalence = b.table("prevalence_by_group")
    group_col = study.group_column
    raised = fx.themes_raised_table(prevalence, group_col, list(study.presence.columns), b.labels, b.level_word)
    b.save(raised, "themes_raised_by_groups")
    status = b.table("statement_function_status").iloc[0]
    stances, stance_links = fx.positions_table(b.table("positions_by_group"), function_roles(b.study.codebook), b.labels, b.level_word, b.pages.statement, b.who)
    return render(
        "sections/appendix.html.j2", word=b.level_word, by_group=b.by_group, min_n=study.parameters["min_cell_n"],
        shown=prevalence.loc[~prevalence["suppressed"].astype(bool), group_col].nunique(),
        total=study.contributions[group_col].nunique(),
        raised=table_html(raised, caption("themes_raised_by_groups", word=b.level_word, n_shown=raised["of groups shown"].max() if len(raised) else 0),
                          row_headers=True), heatmap=b.figure("prevalence_heatmap"),
        stances=table_html(stances, caption("positions", word=b.level_word), row_headers=True, links=stance_links),
        function_status=None if status["coded_counted"] else {
            "n_from_section": int(status["n_from_section"]), "n_coded": int(status["n_coded"]),
            "alpha": None if pd.isna(status["alpha"]) else float(status["alpha"]), "threshold": float(status["threshold"])},
    )


def differences(b: Briefing) -> Markup:
    """Where groups differ: groups that raised a theme much more often than the others."""
    distinct = fx.differences_table(b.table("representation_tests"), b.study.group_column, b.labels, b.level_word)
    return render("sections/differences.html.j2", word=b.level_word,
                  table=table_html(distinct.drop(columns=["adjusted residual"]), caption("differences", word=b.level_word), row_headers=True)
                  if len(distinct) else "")


def disagreements(b: Briefing) -> Markup:
    """Where voices disagree: opposing statements, contrasting judgements and deviant cases, each quoted."""
    from analysis.compare.positions import DEVIANT_MAJORITY

    tables = []
    for name, shape in (("opposing_statements", fx.opposing_table), ("contrasting_judgements", fx.contrasts_table),
                        ("deviant_cases", lambda t, labels, link, who: fx.deviant_table(t, labels, b.level_word, link, who))):
        saved = b.table(name)
        if len(saved):
            quoted, links = shape(saved, b.labels, b.pages.statement, b.who)
            words = {"word": b.level_word, "majority": DEVIANT_MAJORITY} if name == "deviant_cases" else {}
            tables.append(table_html(quoted, caption(name, **words), row_headers=True, links=links))
    return render("sections/disagreements.html.j2", tables=tables)


def sources_compared(b: Briefing) -> Markup:
    """How the document sets compare: which raised each theme, and the difference figures."""
    study = b.study
    by_source = b.table("themes_by_source_set")
    status = by_source.assign(label=by_source[fx.item_column(by_source)].map(lambda i: b.labels.get(i, i)))[["label", "status"]]
    status.columns = [b.level_word, "raised by"]
    figures = [b.figure(f"source_difference_{a}_vs_{other}") for a, other in source_pairs(study)]
    return render("sections/sources.html.j2", word=b.level_word, figures=figures, n_sets=len(study.compared_source_sets),
                  table=table_html(status, caption("themes_by_source_set", word=b.level_word), row_headers=True),
                  floor=study.parameters["min_source_n"],
                  small=[(b.labels[name], study.source_set_sizes[name]) for name in study.small_source_sets])


def voice_and_subject(b: Briefing) -> Markup:
    """What groups said for themselves beside what was written about them."""
    comparisons = b.study.voice_subject_comparisons
    subjects = list(dict.fromkeys(group for _, about in comparisons.values() for group in about))
    return render("sections/voice_subject.html.j2", compared=bool(comparisons),
                  writers=fx.writers_about(b.study.contributions, subjects, b.labels) if comparisons else "",
                  subjects=names([fx.name(g, b.labels) for g in subjects]),
                  figure=b.figure("voice_vs_subject") if comparisons else "")


def actions(b: Briefing) -> Markup:
    """The action themes the groups prioritised, verbatim, with their example actions."""
    table = fx.action_themes_table(b.study.contributions, b.study.vocabulary.example_sections())
    if len(table):
        b.save(table, "action_themes")
    shown = table.rename(columns={"contribution_id": "id", "action_theme": "action theme (verbatim)", "example_actions": "example actions"})
    return render("sections/actions.html.j2", table=table_html(shown[["action theme (verbatim)", "example actions", "id"]],
                                                               caption("action_themes"), row_headers=True) if len(table) else "")


def registered_comparisons(b: Briefing) -> Markup:
    """Every registered comparison the briefing shows (analysis/report/registry.py), its table under its own caption."""
    shown = [c for c in registered() if c.in_briefing]
    return render("sections/registered.html.j2", tables=[table_html(b.table(c.name), caption(c.name), row_headers=True) for c in shown])


def methods(b: Briefing) -> Markup:
    """The methods (data/methods.md.j2) and the SRQR checklist."""
    from analysis.evidence.vocabulary import CONSENSUS
    from analysis.coding.functions import read_section_functions, statement_function_ids, statement_functions
    from analysis.compare.study_tables import list_settings
    from analysis.report import methods as mt

    study = b.study
    consensus = study.coding[study.coding["coder"] == CONSENSUS]
    functions = statement_functions(study.contributions, consensus, read_section_functions(study.data), statement_function_ids(study.codebook))
    values = mt.methods_values(study.contributions, functions["function_from"], list_settings(study)[1].nunique(),
                               mt.reliability_tests(study.data), mt.logged_decisions(study.data),
                               study.codebook["version"], b.table("statement_function_status").iloc[0])
    return markdown_html(mt.methods_markdown(study.data, values)) + Markup(table_html(mt.srqr_table(study.data), caption("srqr"), row_headers=True))


def reliability(b: Briefing) -> Markup:
    """Coding and reliability, the reliability figure, and the suggested codes' accuracy."""
    from analysis.coding.reliability_tables import untested_in_current
    from analysis.evidence.loaders import load_contributions
    from analysis.report.reliability_text import function_paragraph, reliability_paragraphs

    study = b.study
    codebook = study.codebook
    substantive = [code for code in codebook["codes"] if code["id"] != "not_codable"]
    origins = pd.Series([code["origin"] for code in substantive], dtype=str).value_counts()
    tests, summary = b.table("reliability_tests"), b.table("reliability_summary")
    untested = [b.labels.get(code, code) for code in untested_in_current(study.data, codebook)]
    paragraphs = reliability_paragraphs(tests, b.table("reliability_theme_alpha"), summary, b.table("reliability_code_alpha"),
                                        b.table("reliability_disagreements"), len(load_contributions(study.data)), untested)
    accuracy = b.table("suggested_codes_accuracy")
    return render(
        "sections/reliability.html.j2", version=codebook["version"], n_codes=len(substantive),
        n_themes=len({code["theme"] for code in substantive}), n_functions=len(codebook.get("statement_functions", [])),
        deductive=int(origins.get("deductive", 0)), inductive=int(origins.get("inductive", 0)),
        paragraphs=[*paragraphs, function_paragraph(tests, summary)],
        figure=b.figure("reliability_alpha"), suggested_alpha="%.2f" % accuracy["theme_alpha"].iloc[-1],
        suggested=table_html(accuracy, caption("suggested_codes_accuracy"), row_headers=True),
    )


def facilitator_check(b: Briefing) -> Markup:
    """The consistency check against the facilitators' action themes, where the data hold it."""
    if not (in_project(b.tables_dir) / "reliability_facilitator_summary.csv").exists():
        return Markup()
    study = b.study
    checks = b.table("reliability_facilitator_summary")
    themes = fx.action_themes_table(study.contributions, study.vocabulary.example_sections())
    examples_section = (study.vocabulary.example_sections() or ("", ""))[1]
    printed = study.vocabulary.sections.get(examples_section, {}).get("as_printed", "")
    number = {theme: str(position) for position, theme in enumerate(themes["contribution_id"], start=1)}
    confusion = b.table("reliability_facilitator_confusion").rename(columns=lambda column: number.get(column, column))
    confusion[confusion.columns[0]] = confusion[confusion.columns[0]].map(lambda theme: number.get(theme, theme))
    check, blind = checks.iloc[0], checks.iloc[-1]
    return render("sections/facilitator_check.html.j2", printed=printed, n_themes=len(themes),
                  placed=round(check["agreement"] * check["n"]), n=int(check["n"]), agreement=check["agreement"], kappa=check["kappa"],
                  blind_placed=round(blind["agreement"] * blind["n"]), blind_n=int(blind["n"]), blind_kappa=blind["kappa"],
                  table=table_html(confusion, caption("facilitator_confusion"), row_headers=True))


def claims_tested(b: Briefing) -> Markup:
    """How the key messages were tested, and the statistics behind the pooled tables."""
    from analysis.evidence.robustness import load_settings

    study, claims = b.study, b.claims
    representation = b.table("representation_tests")
    tests = fx.theme_tests_table(representation, b.labels, b.level_word)
    distinct = fx.differences_table(representation, study.group_column, b.labels, b.level_word)
    differences = b.table("source_differences") if len(study.compared_source_sets) > 1 else None
    notes = [] if differences is None or "cluster_note" not in differences.columns else \
        list(differences["cluster_note"].dropna().loc[lambda s: s != ""].unique())
    return render(
        "claims_tested.html.j2", checks=cl.CHECKS, hold_share=cl.HOLD_SHARE, minimum=cl.MIN_LIVE_CHECKS, ratings=bq.RATINGS,
        many_speakers=bq.MANY_SPEAKERS, many_checks=bq.MANY_CHECKS,
        table=table_html(bq.claims_shown(claims.registry, claims.grid, b.labels), caption("claims"), row_headers=True),
    ) + render(
        "sections/statistics.html.j2", tests=table_html(tests, caption("theme_tests", word=b.level_word), row_headers=True),
        distinct=table_html(distinct, caption("differences_in_full", word=b.level_word, n=len(distinct), min_residual=fx.MIN_RESIDUAL,
                                             min_n=fx.MIN_DIFFERENCE_N), row_headers=True) if len(distinct) else "",
        min_clusters=load_settings(study.data).min_clusters, notes=notes,
        figures=[b.figure(name) for name in ("similarity_dendrogram", "ca_map", "cooccurrence_network") if b.has_figure(name)],
        network=b.has_figure("cooccurrence_network"),
    )


def glossary(b: Briefing) -> Markup:
    """The glossary of the terms the briefing uses."""
    from analysis.report.findings import MIN_RESIDUAL
    from analysis.report.reliability_text import RELIABLE, TENTATIVE

    return render("sections/glossary.html.j2", min_residual=f"{MIN_RESIDUAL:g}", tentative=TENTATIVE, reliable=RELIABLE)


def data_and_run(b: Briefing) -> Markup:
    """The contributions per source and group, the tables behind every number, the run parameters and the data notes."""
    from analysis.evidence.audit import demote_headings, markdown_sections

    study = b.study
    audit = b.table("contributions_by_source_section")
    by_group = b.table("contributions_by_group")
    by_group["speaker_group"] = by_group["speaker_group"].map(lambda g: b.labels.get(g, g))
    notes, problems = study.data.text("NOTES.md")
    raise_if(problems)
    parameters = pd.DataFrame([{"parameter": k, "value": str(v)} for k, v in study.parameters.items()])
    return render(
        "sections/data_and_run.html.j2",
        audit=table_html(audit.drop(columns=["share"]), caption("contributions_by_source_section")),
        by_group=table_html(by_group.drop(columns=["share"]), caption("contributions_by_group")),
        names=", ".join(sorted(p.stem + ".csv" for p in in_project(b.tables_dir).glob("*.csv"))),
        page="outputs/" + EVIDENCE_PAGE, word=b.level_word, profile=study.parameters["profile"],
        description=study.parameters["description"], data_dir=study.parameters["data_dir"], version=study.codebook["version"],
        parameters=table_html(parameters, caption("parameters"), row_headers=True),
        notes=markdown_html(demote_headings(markdown_sections(notes, ["What is missing"]), 2)) if "## What is missing" in notes else "",
    )


def explorer(b: Briefing) -> Markup:
    """Write the evidence explorer beside the briefing, with the statements behind every figure
    shown so far (so it comes last); nothing is shown."""
    from analysis.report.citation import TITLE

    intro = render("sections/explorer_intro.html.j2", word=b.level_word, by_group=b.by_group)
    write_explorer(in_project(b.exports_dir) / EVIDENCE_PAGE, b.explorer_themes, pages=b.pages, title=TITLE, intro=str(intro).strip(),
                   figures=figure_evidence(b.figures_dir, b.figure_numbers))
    return Markup()


#: The briefing's sections in order: page 1, the findings, then the technical appendix.
SECTIONS: dict[str, Callable[[Briefing], Markup]] = {
    "key_messages": key_messages, "implications": implications, "by_question": by_question, "limitations": limitations,
    "appendix": appendix, "differences": differences, "disagreements": disagreements, "sources_compared": sources_compared,
    "voice_and_subject": voice_and_subject, "actions": actions, "registered_comparisons": registered_comparisons, "methods": methods, "reliability": reliability,
    "facilitator_check": facilitator_check, "claims_tested": claims_tested, "glossary": glossary,
    "data_and_run": data_and_run, "explorer": explorer,
}
