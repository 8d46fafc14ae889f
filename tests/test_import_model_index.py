"""model-index trees read into Imported batches (src/pwc_registry/imports/model_index.py).

Real files from the corpus (../shared/corpus/model-index/, see its MANIFEST.tsv), read where they
lie or copied one by one into a tree made here: mmocr's DRRG metafile (894 bytes, the paper on
the collection), mmocr's oCLIP metafile (``Models`` a mapping), timm's spnasnet.md (YAML in an
HTML comment, values as "74.08%"), the model-index package's own 05_field_imports example.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pwc_registry import load
from pwc_registry.imports.model_index import paper_identifiers, read_model_index
from pwc_registry.imports.records import Imported, ImportedResult
from pwc_registry.imports.units import fraction_metrics
from pwc_registry.load import MAX_FILE_BYTES

MI = Path("model-index")


def _read(*paths: Path | str) -> list[Imported]:
    return list(read_model_index(paths))


def _codes(batches: list[Imported]) -> list[str]:
    return [code for b in batches for code, _, _ in b.problems]


def _results(batches: list[Imported]) -> list[ImportedResult]:
    return [r for b in batches for r in b.results]


def _tree(tmp_path: Path, root: str, files: dict[str, str | Path]) -> Path:
    """A library checkout in ``tmp_path/<folder>``: model-index.yml plus files (text or copies)."""
    top = tmp_path / "mmocr"
    top.mkdir(exist_ok=True)
    (top / "model-index.yml").write_text(root)
    for rel, content in files.items():
        target = top / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content)
    return top


def test_a_model_takes_its_paper_from_its_collection(corpus: Path, tmp_path: Path) -> None:
    # The model-index package leaves paper empty here: the paper sits on the collection.
    drrg = corpus / MI / "mmocr/configs/textdet/drrg/metafile.yml"
    top = _tree(tmp_path, "Import:\n  - configs/textdet/drrg/metafile.yml\n",
                {"configs/textdet/drrg/metafile.yml": drrg})
    batches = _read(top)
    assert _codes(batches) == []
    (batch,) = batches
    assert batch.holder is not None
    assert (batch.holder.kind, batch.holder.title, batch.holder.preferred_id) == (
        "library", "mmocr", "mmocr")
    (result,) = batch.results
    assert (result.task, result.dataset, result.model, result.kind) == (
        "Text Detection", "CTW1500", "drrg_resnet50_fpn-unet_1200e_ctw1500", "library")
    assert result.paper is not None
    assert result.paper.identifiers == (("arxiv", "2003.07493"),)
    assert result.paper.title == ("Deep Relational Reasoning Graph Network for Arbitrary Shape "
                                  "Text Detection")
    assert result.model_links and result.model_links[0].endswith("-d5c702dd.pth")
    (value,) = result.values
    assert (value.metric, value.value, value.stated_unit) == ("hmean-iou", 0.8467, None)
    assert value.origin.file.endswith("drrg/metafile.yml") and value.origin.line == 27
    # Its column too: where the metric's value starts on that line.
    line = drrg.read_text("utf-8").splitlines()[26]
    assert line[value.origin.column - 1:].startswith("0.8467"), (line, value.origin.column)
    # mmocr writes hmean-iou as a fraction throughout the file: the batch rule sees it.
    assert fraction_metrics(batch) == {"hmean-iou"}


def test_mmocr_as_published(corpus: Path) -> None:
    batches = _read(corpus / MI / "mmocr")
    results = _results(batches)
    assert len(results) == 119
    assert all(r.paper is not None for r in results)
    assert sum(bool(r.paper and r.paper.identifiers) for r in results) == 113
    problems = [(c, m) for b in batches for c, m, _ in b.problems]
    # oCLIP's metafile and the dataset zoo's are in the tree, but model-index.yml imports none.
    assert {c for c, _ in problems} == {"A044"}
    assert any("backbone/oclip/metafile.yml" in m for _, m in problems)
    assert len(problems) == 17


def test_models_as_a_mapping_is_a_problem_not_a_crash(corpus: Path) -> None:
    oclip = corpus / MI / "mmocr/configs/backbone/oclip/metafile.yml"
    batches = _read(oclip)
    assert _results(batches) == []
    ((code, message, origin),) = [p for b in batches for p in b.problems]
    assert code == "A045" and "Models is a mapping where a list is expected" in message
    assert origin.line == 13 and origin.pointer == ("Models",)


def test_timm_markdown_and_values_with_percent_signs(corpus: Path, tmp_path: Path) -> None:
    top = tmp_path / "timm"
    (top / "docs/models").mkdir(parents=True)
    shutil.copyfile(corpus / MI / "timm/docs/models/spnasnet.md", top / "docs/models/spnasnet.md")
    (top / "model-index.yml").write_text(
        "Import:\n- ./docs/models/*.md\nLibrary:\n  Name: PyTorch Image Models\n"
        "  Repository: https://github.com/rwightman/pytorch-image-models\n")
    (batch,) = _read(top)
    assert batch.problems == ()
    assert batch.holder is not None and batch.holder.title == "PyTorch Image Models"
    assert batch.holder.url == "https://github.com/rwightman/pytorch-image-models"
    (result,) = batch.results
    assert result.model == "spnasnet_100" and result.dataset == "ImageNet"
    assert result.paper is not None and result.paper.title is not None
    assert result.paper.identifiers == (  # the archive's slug, from its paperswithcode.com link
        ("pwc", "single-path-nas-designing-hardware-efficient"),)
    values = {v.metric: v.value for v in result.values}
    assert values == {"Top 1 Accuracy": "74.08%", "Top 5 Accuracy": "91.82%"}
    top1 = next(v for v in result.values if v.metric == "Top 1 Accuracy")
    assert top1.origin.line == 121  # the line in the markdown file, not in the comment
    assert fraction_metrics(batch) == set()  # "74.08%" says its unit


def test_field_imports_and_a_result_file(corpus: Path) -> None:
    # The model-index package's own example: `Results: r2.yaml`, `Results: [r1.yaml]`.
    batches = _read(corpus / MI / "paperswithcode-model-index-examples/tests/test-mi/"
                    "05_field_imports")
    assert _codes(batches) == []
    results = _results(batches)
    assert [(r.model, {v.metric: v.value for v in r.values}) for r in results] == [
        ("Inception v3 - 90 epochs", {"Top 1 Accuracy": "74.67%", "Top 5 Accuracy": "92.1%"}),
        ("Inception v3 - 120 epochs", {"Top 1 Accuracy": "75.1%", "Top 5 Accuracy": "93.1%"}),
    ]
    assert all(r.paper and r.paper.identifiers == (("arxiv", "1512.00567"),) for r in results)


def test_a_result_file_two_models_name_is_read_for_both(corpus: Path, tmp_path: Path) -> None:
    """The same example with both models naming r1.yaml: the file was read for the first
    model only, and the second's results were left out without a word (found by an attack)."""
    example = corpus / MI / "paperswithcode-model-index-examples/tests/test-mi/05_field_imports"
    top = tmp_path / "lib"
    shutil.copytree(example, top)
    m2 = top / "m2.yml"
    assert "r2.yaml" in m2.read_text()
    m2.write_text(m2.read_text().replace("r2.yaml", "r1.yaml"))
    batches = _read(top)
    assert _codes(batches) == []
    assert [(r.model, {v.metric: v.value for v in r.values}) for r in _results(batches)] == [
        ("Inception v3 - 90 epochs", {"Top 1 Accuracy": "74.67%", "Top 5 Accuracy": "92.1%"}),
        ("Inception v3 - 120 epochs", {"Top 1 Accuracy": "74.67%", "Top 5 Accuracy": "92.1%"}),
    ]


def test_a_collection_two_metafiles_define_is_each_files_own(tmp_path: Path) -> None:
    """Two metafiles of one library each define a collection "Net", for two papers: every
    model took the first file's paper (a DenseNet credited to ResNet's paper, found by an
    attack). A model takes its own file's; a model elsewhere takes neither (A046)."""
    def metafile(paper: str, title: str, model: str, collection: bool = True) -> str:
        defined = (f"Collections:\n  - Name: Net\n    Paper:\n      URL: {paper}\n"
                   f"      Title: {title}\n") if collection else ""
        return (f"{defined}Models:\n  - Name: {model}\n    In Collection: Net\n    Results:\n"
                "      - Task: Image Classification\n        Dataset: ImageNet-1k\n"
                "        Metrics:\n          Top 1 Accuracy: 76.1\n")

    top = _tree(tmp_path, "Import:\n  - a/metafile.yml\n  - b/metafile.yml\n  - c/metafile.yml\n",
                {"a/metafile.yml": metafile("https://arxiv.org/abs/1512.03385",
                                            "Deep Residual Learning", "net-a"),
                 "b/metafile.yml": metafile("https://arxiv.org/abs/1608.06993",
                                            "Densely Connected Convolutional Networks", "net-b"),
                 "c/metafile.yml": metafile("", "", "net-c", collection=False)})
    batches = _read(top)
    papers = {r.model: r.paper.identifiers if r.paper else None for r in _results(batches)}
    assert papers == {"net-a": (("arxiv", "1512.03385"),), "net-b": (("arxiv", "1608.06993"),),
                      "net-c": None}
    [(code, message, origin)] = [p for b in batches for p in b.problems]
    assert code == "A046" and "'net-c'" in message and "defines 2 times" in message
    assert origin.file.endswith("c/metafile.yml")


@pytest.mark.parametrize("url, expected", [
    ("https://arxiv.org/abs/2202.10304", "2202.10304"),
    ("https://arxiv.org/pdf/1911.08947.pdf", "1911.08947"),
    ("https://arxiv.org/abs/2003.07493.pdf", "2003.07493"),
    ("https://arxiv.org/abs/1512.00567v3", "1512.00567"),
    ("http://arxiv.org/abs/cs/9301114v1", "cs/9301114"),
])
def test_arxiv_links(url: str, expected: str) -> None:
    assert paper_identifiers(url) == (("arxiv", expected),)


def test_other_links() -> None:
    assert paper_identifiers("https://paperswithcode.com/paper/deep-layer-aggregation") == (
        ("pwc", "deep-layer-aggregation"),)
    assert paper_identifiers("https://openaccess.thecvf.com/content_cvpr_2016/html/x.html") == ()


# --- hostile trees ---------------------------------------------------------------------------

MODEL = ("Models:\n  - Name: m\n    Results:\n      - Task: T\n        Dataset: D\n"
         "        Metrics:\n          Top 1 Accuracy: 78.03%\n")


def test_an_import_may_not_leave_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yml"
    outside.write_text(MODEL)
    top = _tree(tmp_path, "Import:\n  - ../secret.yml\n  - ../../etc/passwd\n"
                f"  - {outside}\n  - linked/metafile.yml\n", {})
    (top / "linked").symlink_to(tmp_path, target_is_directory=True)
    batches = _read(top)
    assert _results(batches) == []
    problems = [(c, m, o.line) for b in batches for c, m, o in b.problems]
    assert [(c, line) for c, _, line in problems] == [("A041", 2), ("A041", 3), ("A041", 4),
                                                       ("A041", 5)]
    assert "absolute path" in problems[2][1]
    assert "through a symbolic link" in problems[3][1]
    assert "through a symbolic link" not in problems[0][1]


def test_a_pattern_leading_out_of_the_tree_lists_no_folder_out_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`../../*/*/*/*/*/*/*/*` was expanded over the whole disk (3 GB, minutes) before each
    match was refused, and the report named 36,388 files outside (found by an attack)."""
    import os

    listed: list[str] = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: (listed.append(str(p)), real_scandir(p))[1])
    top = _tree(tmp_path, "Import:\n  - ../../../*/*/*/*/*/*/*/*\n  - configs/*.yml\n",
                {"configs/a.yml": MODEL})
    batches = _read(top)
    problems = [(c, m) for b in batches for c, m, _ in b.problems]
    assert [c for c, _ in problems] == ["A041"] and "leads out of" in problems[0][1]
    assert listed and all(p.startswith(str(top)) for p in listed), listed  # none outside
    assert len(_results(batches)) == 1


def test_a_pattern_through_a_link_out_of_the_tree_lists_nothing_there(tmp_path: Path) -> None:
    """`rootlink/*/*/*` with `rootlink` a link to `/` inside the tree: glob walked the disk
    (62 s) and each match outside was named in the report (found by an attack)."""
    outside = tmp_path / "outside" / "sub"
    outside.mkdir(parents=True)
    for i in range(3):
        (outside / f"secret{i}.yml").write_text(MODEL)
    top = _tree(tmp_path, "Import:\n  - rootlink/*/*.yml\n  - inner/*.yml\n",
                {"configs/a.yml": MODEL})
    (top / "rootlink").symlink_to(tmp_path / "outside", target_is_directory=True)
    (top / "inner").symlink_to(top / "configs", target_is_directory=True)  # a link inside
    batches = _read(top)
    problems = [(c, m) for b in batches for c, m, _ in b.problems]
    assert [c for c, _ in problems] == ["A041"], problems
    assert "secret" not in problems[0][1] and "through a symbolic link" in problems[0][1]
    assert len(_results(batches)) == 1  # inner/a.yml: a link that stays in the tree is read


def test_a_pattern_matching_too_many_files_reads_none(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from pwc_registry.imports import model_index

    top = _tree(tmp_path, "Import:\n  - configs/*.yml\n",
                {f"configs/m{i}.yml": MODEL for i in range(4)})
    monkeypatch.setattr(model_index, "MAX_FILES", 3)
    batches = _read(top)
    problems = [(c, m) for b in batches for c, m, _ in b.problems]
    assert [c for c, _ in problems] == ["A040"] and "more than 3 files" in problems[0][1]
    assert _results(batches) == []


def test_a_root_found_in_the_folder_that_links_out_of_it_is_not_read(tmp_path: Path) -> None:
    """The walk found `sub/model-index.yml`, a link to a file outside the folder, and read it:
    only `Import:` entries were checked against the tree."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "model-index.yml").write_text(MODEL)
    top = tmp_path / "checkout"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "model-index.yml").symlink_to(elsewhere / "model-index.yml")
    batches = _read(top)
    assert _results(batches) == []
    problems = [(c, m) for b in batches for c, m, _ in b.problems]
    assert [c for c, _ in problems] == ["A041"]
    assert "through a symbolic link out of" in problems[0][1]


def test_a_linked_file_inside_the_tree_is_read(tmp_path: Path) -> None:
    top = _tree(tmp_path, "Import:\n  - link.yml\n", {"real.yml": MODEL})
    (top / "link.yml").symlink_to(top / "real.yml")
    batches = _read(top)
    assert _codes(batches) == []
    assert [r.model for r in _results(batches)] == ["m"]


def test_a_cycle_of_imports_is_read_once(tmp_path: Path) -> None:
    top = _tree(tmp_path, "Import:\n  - a.yml\n", {
        "a.yml": "Import:\n  - b.yml\n" + MODEL,
        "b.yml": "Import:\n  - a.yml\n  - model-index.yml\n"})
    batches = _read(top)
    assert [r.model for r in _results(batches)] == ["m"]
    problems = [(c, m) for b in batches for c, m, _ in b.problems]
    assert [c for c, _ in problems] == ["A043", "A043"]
    assert "a.yml → b.yml → a.yml" in problems[0][1]


def test_missing_files_and_patterns_are_reported(tmp_path: Path) -> None:
    top = _tree(tmp_path, 'Import:\n  - nope.yml\n  - docs/*.md\n  - 7\n  - "a\\0.yml"\n', {})
    assert _codes(_read(top)) == ["A042", "A042", "A045", "A045"]


def test_unclosed_comments_in_markdown_take_linear_time(tmp_path: Path) -> None:
    top = _tree(tmp_path, "Import:\n  - doc.md\n", {"doc.md": "<!-- Models:\n" * 100_000})
    # <!--(.*?)--> would rescan the rest from each one; the first is never closed: said once
    assert _codes(_read(top)) == ["A040"]


def test_a_model_index_comment_never_closed_is_reported_at_its_start(tmp_path: Path) -> None:
    """A timm-style page whose comment holding the models has no "-->": its models were lost
    without a word (helper-66)."""
    top = _tree(tmp_path, "Import:\n  - doc.md\n", {
        "doc.md": "# Title\n\n<!--\nType: model-index\nModels:\n  - Name: md1\n"})
    problems = [p for b in _read(top) for p in b.problems]
    assert [(c, o.line) for c, _, o in problems] == [("A040", 3)]
    assert "never closed" in problems[0][1]


@pytest.mark.parametrize("text, code", [
    # aliases of aliases, doubling at each level ("billion laughs"): stopped, not expanded
    ("l0: &l0 [x, x]\n" + "".join(f"l{i + 1}: &l{i + 1} [*l{i}, *l{i}]\n"
                                   for i in range(24)), "Y003"),
    ("Models:\n  - Name: m\n    Metadata: *nowhere\n", "Y003"),  # an alias of no anchor
    # helper-97: anchors 29 levels deep each wrapping the alias of the one before (a crash,
    # RecursionError, at 20 of them), a 600 KB string aliased thrice (1.8 MB copied 1,000
    # times took 2 GB), an anchor defined twice (PyYAML, the libraries' reader, refuses it)
    ("\n".join(f"a{i}: &a{i} " + "[" * 29 + (f"*a{i - 1}" if i else "x") + "]" * 29
               for i in range(20)) + "\nModels: [{Name: m, Metadata: *a19}]\n", "Y011"),
    ('s: &s "' + "Ab " * 200_000 + '"\nModels: [{Name: *s}, {Name: *s}, {Name: *s}, {Name: *s}]\n',
     "Y003"),
    ("Models:\n  - &x {Name: a}\n  - *x\n  - &x {Name: b}\n  - *x\n", "Y003"),
    ("Models:\n" + "".join("  " * i + "- \n" for i in range(1, 40)), "Y011"),  # too deep
    ("Models: [\n", "Y001"),  # not YAML
    ("Models:\n  - Name: m\n    Epochs: !!python/object:os.system x\n", "Y004"),  # a tag
])
def test_hostile_yaml_is_reported_with_its_line(tmp_path: Path, text: str, code: str) -> None:
    top = _tree(tmp_path, "Import:\n  - configs/metafile.yml\n", {"configs/metafile.yml": text})
    batches = _read(top)
    assert _results(batches) == []
    problems = [(c, m, o) for b in batches for c, m, o in b.problems]
    assert problems and {c for c, _, _ in problems} == {"A040"}
    assert f"({code})" in problems[0][1] and problems[0][2].file.endswith("configs/metafile.yml")


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    top = _tree(tmp_path, "Import:\n  - big.yml\n", {})
    with open(top / "big.yml", "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    (problem,) = [p for b in _read(top) for p in b.problems]
    assert problem[0] == "A040" and "over the limit" in problem[1]


def test_a_metafile_no_model_index_imports_is_reported_not_read(tmp_path: Path) -> None:
    top = _tree(tmp_path, "Import:\n  - configs/a/metafile.yml\n", {
        "configs/a/metafile.yml": MODEL, "configs/b/metafile.yml": MODEL})
    batches = _read(top)
    assert len(_results(batches)) == 1
    ((code, _, origin),) = [p for b in batches for p in b.problems]
    assert code == "A044" and origin.file == os.path.join(str(top), "configs/b/metafile.yml")


def test_shapes_the_format_does_not_have(tmp_path: Path) -> None:
    top = _tree(tmp_path, "Import:\n  - m.yml\n", {"m.yml": (
        "Collections:\n  - Name: C\n    Paper: https://arxiv.org/abs/1512.00567\n"
        "Models:\n"
        "  - Name: a\n    In Collection: Elsewhere\n    Results:\n      - Task: T\n"
        "        Dataset: D\n        Metrics:\n          acc: [1, 2]\n          top1: 1.5\n"
        "  - Name: b\n    In Collection: C\n    Results:\n      - Dataset: D\n"
        "        Metrics:\n          acc: 1\n"
        "  - 12\n")})
    batches = _read(top)
    problems = [(c, o.line) for b in batches for c, _, o in b.problems]
    assert problems == [("A045", 19), ("A046", 6), ("A045", 11), ("A045", 16)]
    (result,) = _results(batches)
    assert result.model == "a" and result.paper is None
    assert [(v.metric, v.value) for v in result.values] == [("top1", 1.5)]


def test_one_bad_value_leaves_out_that_value_not_the_file(corpus: Path, tmp_path: Path) -> None:
    """mmocr's DBNet metafile (corpus: model-index/mmocr/configs/textdet/dbnet/metafile.yml)
    with its first model's value made 1e400 (no float holds it) and its second model's metric
    written twice: each of those is reported at its line and left out, the rest imported. One
    such value used to refuse the whole file (A040)."""
    dbnet = (corpus / MI / "mmocr/configs/textdet/dbnet/metafile.yml").read_text()
    first, second = "hmean-iou: 0.8169", "hmean-iou: 0.8504"
    assert dbnet.count(first) == dbnet.count(second) == 1
    broken = dbnet.replace(first, "hmean-iou: 1e400").replace(
        second, second + "\n          hmean-iou: 0.9999")
    top = _tree(tmp_path, "Import:\n  - configs/metafile.yml\n",
                {"configs/metafile.yml": broken})
    batches = _read(top)
    assert "A040" not in _codes(batches)
    problems = {(code, o.line) for b in batches for code, _, o in b.problems}
    line_of = {text: broken.splitlines().index("          " + text) + 1
               for text in ("hmean-iou: 1e400", "hmean-iou: 0.9999")}
    assert ("A049", line_of["hmean-iou: 0.9999"]) in problems, problems
    values = {r.model: [v.value for v in r.values] for r in _results(batches)}
    (tmp_path / "original").mkdir()
    original = _tree(tmp_path / "original", "Import:\n  - configs/metafile.yml\n",
                     {"configs/metafile.yml": dbnet})
    expected = {r.model: [v.value for v in r.values] for r in _results(_read(original))}
    assert len(expected) >= 3
    # The file is not whole: the unit rule judges it by what it states only.
    assert [b.partial for b in batches if b.results] == [True]
    # Every other model as published; the second has no value left (not 0.8504 nor 0.9999).
    del expected["dbnet_resnet50_fpnc_1200e_icdar2015"]
    assert values == {**expected, "dbnet_resnet18_fpnc_1200e_icdar2015": ["1e400"]}  # A015 then


def _problems(batches: list[Imported]) -> list[tuple[str, str, int | None]]:
    return [(code, message, o.line) for b in batches for code, message, o in b.problems]


def _read_metafile(tmp_path: Path, text: str) -> list[Imported]:
    """``text`` as a library's one metafile, imported by its model-index.yml."""
    return _read(_tree(tmp_path, "Import:\n  - configs/metafile.yml\n",
                       {"configs/metafile.yml": text}))


def test_many_ambiguous_entries_are_left_out_in_linear_time(tmp_path: Path) -> None:
    """helper-38: 60,000 models each naming a key twice (1.4 MB, under the size limit) took
    minutes: positions were renumbered once per entry left out. Now once in all; 20,000 take
    about a second, and every entry is reported at its own line."""
    body = "".join(f"  - {{Name: m{i}, Name: m{i}}}\n" for i in range(20_000))
    batches = _read_metafile(tmp_path, "Models:\n" + body)
    problems = _problems(batches)
    assert [(c, line) for c, _, line in problems[:2]] == [("A049", 2), ("A049", 3)]
    assert len(problems) == 20_000 and _results(batches) == []


def test_a_key_twice_leaves_out_the_entry_whose_meaning_it_changes(tmp_path: Path) -> None:
    """helper-38: a model whose paper URL was written twice was imported with its collection's
    paper. The key's list entry (here the model) is left out, not the key alone; a key twice
    outside every list entry refuses the file; a literal "X (duplicate)" key beside an X
    written twice crashed the reader."""
    metafile = (
        "Collections:\n  - Name: C\n    Paper: {URL: https://arxiv.org/abs/1512.03385}\n"
        "Models:\n"
        "  - Name: strikes-back\n    In Collection: C\n"
        "    Paper: {URL: https://arxiv.org/abs/2110.00476, URL: https://arxiv.org/abs/2110.0047}\n"
        "    Results: [{Task: T, Dataset: D, Metrics: {Top 1 Accuracy: 80.4}}]\n"
        "  - Name: kept\n"
        "    Results: [{Task: T, Dataset: D, Metrics: {Top 1 Accuracy: 76.1}}]\n")
    batches = _read_metafile(tmp_path, metafile)
    assert [r.model for r in _results(batches)] == ["kept"]
    [(code, message, line)] = _problems(batches)
    assert (code, line) == ("A049", 7)
    assert message == ("key 'URL' is written twice (first at line 7): Models[0] is not imported")
    (tmp_path / "whole").mkdir()
    whole = _tree(tmp_path / "whole", "Import:\n  - a.yml\n",
                  {"a.yml": "Models: []\nModels:\n  - Name: b\nModels (duplicate): []\n"})
    assert _codes(_read(whole)) == ["A040"]


def test_a_number_yaml_reads_two_ways_is_not_guessed(tmp_path: Path) -> None:
    """helper-38: `Top 1 Accuracy: 010` was imported as 10; PyYAML, which the metafile's own
    tools use, reads 8."""
    metafile = ("Models:\n  - Name: octal\n"
                "    Results: [{Task: T, Dataset: D, Metrics: {Top 1 Accuracy: 010}}]\n"
                "  - Name: plain\n"
                "    Results: [{Task: T, Dataset: D, Metrics: {Top 1 Accuracy: 76.1}}]\n")
    batches = _read_metafile(tmp_path, metafile)
    assert [(r.model, [v.value for v in r.values]) for r in _results(batches)] == [
        ("plain", [76.1])]
    [(code, message, line)] = _problems(batches)
    assert code == "A049" and line == 3 and "YAML 1.1" in message, message


def test_a_file_of_another_format_is_said_not_read_as_empty(tmp_path: Path) -> None:
    """A Hugging Face card's ``model-index`` block (what `pwc export model-index` prints) given
    to the model-index importer: "0 rows read, 0 warnings" said nothing; now a warning names
    the file and the importer that reads it."""
    card = tmp_path / "card.yml"
    card.write_text("model-index:\n- name: M\n  results: []\n")
    other = tmp_path / "other.yml"
    other.write_text("foo: 1\n")
    [(code, message, origin)] = [p for b in _read(card) for p in b.problems]
    assert (code, origin.line) == ("A045", 1) and "`pwc import hf`" in message
    [(code, message, _)] = [p for b in _read(other) for p in b.problems]
    assert code == "A045" and "not a model-index file" in message and "hf" not in message


def test_one_results_file_named_by_many_models_is_bounded(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Each model naming one file of results reads it for itself: 3,000 models and 3,000
    results (330 KB) went past 4 GB (found by an attack). A tree gives MAX_RESULTS at most."""
    from pwc_registry.imports import model_index

    monkeypatch.setattr(model_index, "MAX_RESULTS", 25)
    results = "".join(f"  - Task: T\n    Dataset: D{i}\n    Metrics:\n      Top 1: 7{i}.5\n"
                      for i in range(10))
    models = "".join(f"  - Name: m{i}\n    Results: r.yml\n" for i in range(4))
    top = _tree(tmp_path, "Import:\n  - configs/metafile.yml\n",
                {"configs/metafile.yml": "Models:\n" + models,
                 "configs/r.yml": "Results:\n" + results})
    batches = _read(top)
    assert len(_results(batches)) == 25
    problems = [(c, m) for b in batches for c, m, _ in b.problems]
    assert problems == [("A040", "more than 25 results in one tree; those from 'm2' on are not "
                                 "imported")], problems


def test_a_collections_bad_code_address_is_reported_once_where_it_is(corpus: Path,
                                                                   tmp_path: Path) -> None:
    """mmpretrain's DeiT collection gives `Code: URL: v0.19.0` (line 15 of
    configs/deit/metafile.yml): it was reported once per model of the collection, each time
    at that model's result, lines below (found by a curator)."""
    from pwc_registry.imports.formats import import_format

    from conftest import REPO

    deit = corpus / MI / "mmpretrain/configs/deit/metafile.yml"
    registry = tmp_path / "registry"
    shutil.copytree(REPO / "registry", registry)  # it knows Top 1 Accuracy and ImageNet-1k
    report = import_format("model-index", registry, [deit], None, jobs=1)
    [bad] = [d for d in report.diagnostics if d.code == "A009" and "v0.19.0" in d.message]
    line = deit.read_text(encoding="utf-8").splitlines()[bad.line - 1]
    assert line[bad.column - 1:] == "v0.19.0" and bad.line == 15, (bad, line)
    assert bad.pointer == ("Collections", 0, "Code", "URL") and report.totals["A009"] == 1


def test_results_without_a_task_or_any_value_count_as_rows_not_imported(tmp_path: Path
                                                                       ) -> None:
    """A result with no Metrics, or whose every value is null, was reported (A045) but counted
    nowhere: the summary said 896 rows read of the corpus's 905 results (found by a
    curator)."""
    top = _tree(tmp_path, "Import:\n  - m.yml\n", {"m.yml": (
        "Models:\n  - Name: net\n    Results:\n"
        "      - Task: Image Classification\n        Dataset: ImageNet-1k\n"
        "        Metrics:\n          Top 1 Accuracy: 74.5\n"
        "      - Task: Image Classification\n        Dataset: ImageNet-1k\n"
        "      - Task: Image Classification\n        Dataset: CIFAR-10\n"
        "        Metrics:\n          Top 1 Accuracy: null\n")})
    (batch,) = _read(top)
    assert len(batch.results) == 1 and batch.unread_rows == 2
    assert _codes([batch]) == ["A045", "A045"]


def test_results_left_out_by_the_reader_are_rows_not_read(tmp_path: Path) -> None:
    """b's metric written twice and c's 010 (YAML 1.1 reads 8) leave out their results (A049):
    the import said "1 rows read: 1 results, 0 not imported" (helper-66)."""
    result = ("    Results:\n      - Task: Image Classification\n        Dataset: ImageNet-1k\n"
              "        Metrics:\n")
    batches = _read_metafile(tmp_path, (
        f"Models:\n  - Name: a\n{result}          Top 1 Accuracy: 70.0\n"
        f"  - Name: b\n{result}          Top 1 Accuracy: 71.0\n          Top 1 Accuracy: 72.0\n"
        f"  - Name: c\n{result}          Top 1 Accuracy: 010\n"))
    assert _codes(batches) == ["A049", "A049"]
    assert [r.model for r in _results(batches)] == ["a"]
    assert sum(b.unread_rows for b in batches) == 2


def test_a_metafile_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """A BOM refused a whole metafile (A040 of Y009), where tables and cards read (helper-66)."""
    batches = _read_metafile(tmp_path, "\ufeffModels:\n  - Name: a\n    Results:\n"
                             "      - Task: Image Classification\n        Dataset: ImageNet-1k\n"
                             "        Metrics:\n          Top 1 Accuracy: 70.0\n")
    assert _codes(batches) == [] and [r.model for r in _results(batches)] == ["a"]


def test_someone_elses_yaml_with_old_mac_line_ends_is_read() -> None:
    """A metafile whose lines end in a carriage return alone is YAML every reader reads; Y022
    refuses it in the registry (git diff shows one line), and refused it here too."""
    from pwc_registry.imports.model_index import read_source_yaml

    doc, problems, partial = read_source_yaml("m.yml", b"Models:\r  - Name: a\r    In: b\r")
    assert doc is not None and problems == [] and not partial
    assert doc.data == {"Models": [{"Name": "a", "In": "b"}]}


def test_a_list_the_metafile_shares_between_models_is_read_for_each(tmp_path: Path) -> None:
    """mmpose writes its metafiles with PyYAML's dumper, which shares a list between models as
    an anchor and aliases (configs/body_2d_keypoint/topdown_heatmap/coco/resnet_coco.yml at
    open-mmlab/mmpose 759b39c: ``Architecture: &id001`` then ``Architecture: *id001``); 88 of
    its 147 metafiles, ~1,700 values, were refused whole (helper-94). Each model reads the
    shared value as its own, and its numbers keep their lines."""
    batches = _read_metafile(tmp_path, (
        "Models:\n"
        "  - Name: a\n    Metadata:\n      Architecture: &id001\n      - SimpleBaseline2D\n"
        "      - ResNet\n    Results:\n      - Task: T\n        Dataset: D\n"
        "        Metrics:\n          Top 1 Accuracy: 70.1\n"
        "  - Name: b\n    Metadata:\n      Architecture: *id001\n    Results:\n"
        "      - Task: T\n        Dataset: D\n        Metrics:\n          Top 1 Accuracy: 72.3\n"))
    assert _codes(batches) == []
    results = sorted(_results(batches), key=lambda r: r.model)
    assert [(r.model, [(v.metric, v.value) for v in r.values]) for r in results] == [
        ("a", [("Top 1 Accuracy", 70.1)]), ("b", [("Top 1 Accuracy", 72.3)])]
    assert [v.origin.line for r in results for v in r.values] == [11, 19]


def test_aliases_stay_refused_in_the_registry() -> None:
    doc = load.read_rich("x.yaml", b"a: &x [1, 2]\nb: *x\n")
    assert doc.data is None and [d.code for d in doc.diagnostics] == ["Y003", "Y003"]


def test_a_metafile_given_alone_is_its_checkouts_library(tmp_path: Path) -> None:
    """helper-94: mmsegmentation's configs/mask2former/mask2former.yml imported alone became a
    library called "mask2former", which another library's metafile in a folder of that name
    then joined. Inside a checkout it is the checkout's library; in none, the folder's name is
    said (A056)."""
    top = _tree(tmp_path, "Import:\n  - configs/mask2former/metafile.yml\n",
                {"configs/mask2former/metafile.yml": MODEL})
    (batch,) = _read(top / "configs" / "mask2former" / "metafile.yml")
    assert batch.holder is not None and batch.holder.title == "mmocr"  # _tree's checkout
    assert _codes([batch]) == []
    alone = tmp_path / "elsewhere" / "mask2former"
    alone.mkdir(parents=True)
    (alone / "metafile.yml").write_text(MODEL)
    (batch,) = _read(alone / "metafile.yml")
    assert batch.holder is not None and batch.holder.title == "mask2former"
    ((code, message, origin),) = batch.problems
    assert code == "A056" and "'mask2former'" in message
    assert origin.file == str(alone / "metafile.yml")
    # helper-97: the checkout's own 'Library: Name' names it, as when the checkout is imported
    # (a second source, "foolib", held the same results); a repository that is no library's
    # checkout (a clone of one's own, holding downloads) names it with a warning
    (top / "model-index.yml").write_text("Library:\n  Name: Foo Vision Library\nImport:\n"
                                         "  - configs/mask2former/metafile.yml\n")
    (batch,) = _read(top / "configs" / "mask2former" / "metafile.yml")
    assert batch.holder is not None and batch.holder.title == "Foo Vision Library"
    assert _codes([batch]) == []
    (alone.parent / ".git").mkdir()
    (batch,) = _read(alone / "metafile.yml")
    assert batch.holder is not None and batch.holder.title == "elsewhere"
    ((code, message, _),) = batch.problems
    assert code == "A056" and "in the repository" in message and "'elsewhere'" in message


@pytest.mark.parametrize("metric", ["Top 1 Accuracy: 010", "Top 1 Accuracy: 70.1\n"
                                    "          Top 1 Accuracy: 90.0"])
def test_a_doubtful_value_is_as_doubtful_in_each_copy(tmp_path: Path, metric: str) -> None:
    """helper-97: a number YAML 1.1 and 1.2 read as two (``010``: 8 or 10), or a key written
    twice, under an anchor: the anchor's entry was left out (A049), its alias's copy imported
    with the value PyYAML would not read (10; 70.1 where PyYAML keeps 90.0)."""
    batches = _read_metafile(tmp_path, (
        "Models:\n  - Name: a\n    Results: &r\n      - Task: T\n        Dataset: D\n"
        f"        Metrics:\n          {metric}\n  - Name: b\n    Results: *r\n"))
    assert _results(batches) == []
    problems = _problems(batches)
    assert [(c, m.split(":")[-1].strip()) for c, m, _ in problems] == [
        ("A049", "Models[0].Results[0] is not imported"),
        ("A049", "Models[1].Results[0] is not imported")], problems
