"""What `make site` changes in its staged copies (tools/course_tools/site.py): links, badges,
the setup cell, solutions' titles, the Chinese search words. No Sphinx needed: runs in
`make test`."""

from __future__ import annotations

from course_tools import repo, site


def rewrite(text: str, source: str, page: str, lang: str) -> str:
    return site.rewrite_links(text, source, page, lang, site.page_map())


def test_a_link_to_a_staged_notebook_becomes_a_link_between_pages():
    text = "[01](chapters/en/01_gradient_tape.ipynb#key-points)"
    assert (
        rewrite(text, "README.md", "index", "en")
        == "[01](chapters/01_gradient_tape.ipynb#key-points)"
    )
    text = "[glossary](../../docs/glossary.md) and [back](../../README.zh-CN.md#章节)"
    page = "exercises/01_gradient_tape"
    assert rewrite(text, "exercises/zh/01_gradient_tape.md", page, "zh") == (
        "[glossary](../glossary.md) and [back](../index.md#章节)"
    )


def test_a_link_to_the_other_language_leads_to_the_other_site():
    text = "[中文](docs/instructor/zh-CN.md)"
    assert rewrite(text, "README.md", "index", "en") == (
        '<a href="../zh/instructor.html" hreflang="zh">中文</a>'
    )


def test_a_link_to_any_other_file_leads_to_github_and_a_badge_becomes_its_text():
    owner_name, branch = repo.github_path()
    text = (
        "[lock](requirements/learner.txt) [![Binder](https://mybinder.org/badge.svg)](https://x.y/)"
    )
    assert rewrite(text, "README.md", "index", "en") == (
        f"[lock](https://github.com/{owner_name}/blob/{branch}/requirements/learner.txt) "
        "[Binder](https://x.y/)"
    )


def test_a_solution_page_says_so_and_links_its_exercises():
    pair = next(p for p in repo.pairs(("solutions",)) if p.lang == "zh")
    nb = site.stage_notebook(pair, "zh", site.page_map())
    first = nb["cells"][0]["source"]
    assert "（参考答案）" in first.splitlines()[0]
    assert f"](../exercises/{pair.md.stem}.ipynb)" in first
    setup = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert {"hide-input", "remove-output"} <= set(setup["metadata"]["tags"])


def test_the_chinese_search_knows_the_glossary_terms_and_their_short_names():
    words = [line.split()[0] for line in site.search_words().splitlines()]
    assert {"雅可比矩阵", "雅可比", "梯度磁带", "自动微分"} <= set(words)
