"""Every class of bad input gives the exact Chinese message at the right line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import GongyuError
from generator.pipeline import load_corpus

from .conftest import MINI, gongyu


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(MINI, root)
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(GongyuError) as info:
        load_corpus(root)
    return [f"{Path(p.path).name}:{p.line}:{p.column}: {p.message}" for p in info.value.problems]


LESSON = "courses/demo-course/demo-lesson.yml"
PLAN = "plans/demo-plan.yml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fullwidth_colon_after_key(project: Path) -> None:
    edit(project, LESSON, "title: 和青春期", "title：和青春期")
    assert problems(project) == ["demo-lesson.yml:2:6: 键“title”后面用了全角冒号“：”"]


def test_tab_in_indentation(project: Path) -> None:
    edit(project, PLAN, "  group: 控辍保学工作领导小组", "\tgroup: 控辍保学工作领导小组")
    assert problems(project) == ["demo-plan.yml:9:1: 缩进中使用了制表符（Tab）"]


def test_fullwidth_space_in_indentation(project: Path) -> None:
    edit(project, PLAN, "  group: 控辍", "\u3000group: 控辍")
    assert problems(project) == ["demo-plan.yml:9:1: 缩进中使用了全角空格"]


def test_missing_space_after_colon(project: Path) -> None:
    edit(project, LESSON, "duration: 60", "duration:60")
    assert problems(project) == ["demo-lesson.yml:5:9: 键“duration”的冒号后面缺少空格"]


def test_gbk_file_is_named_as_such(project: Path) -> None:
    path = project / LESSON
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    found = problems(project)
    assert len(found) == 1
    assert found[0].startswith("demo-lesson.yml:2:")
    assert "GBK/GB18030 编码" in found[0]


def test_utf8_bom_is_accepted(project: Path) -> None:
    path = project / LESSON
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "demo-lesson" in load_corpus(project).lessons


def test_duplicate_key(project: Path) -> None:
    edit(project, LESSON, "format: 讲座", "format: 讲座\nformat: 讨论沙龙")
    assert problems(project) == ["demo-lesson.yml:7:1: 键“format”重复出现（第一次在第 6 行）"]


def test_unknown_key_suggests_the_right_one(project: Path) -> None:
    edit(project, LESSON, "duration: 60", "duraton: 60")
    found = problems(project)
    assert "demo-lesson.yml:5:1: 未知的键“duraton”，您是不是想写“duration”？" in found
    assert "demo-lesson.yml:1:1: 缺少必填项“duration”（时长（分钟），议程分钟数之和必须与之相等）" in found


def test_wrong_type(project: Path) -> None:
    edit(project, LESSON, "duration: 60", "duration: 六十")
    assert problems(project) == ["demo-lesson.yml:5:11: 这里应是整数，实际是文字“六十”"]


def test_missing_required_field(project: Path) -> None:
    edit(project, LESSON, "format: 讲座\n", "")
    assert problems(project) == ["demo-lesson.yml:1:1: 缺少必填项“format”（形式）"]


def test_wrong_choice_suggests(project: Path) -> None:
    edit(project, LESSON, "stage: 初中", "stage: 初中生")
    assert problems(project) == ["demo-lesson.yml:4:8: “初中生”不是可选的值，您是不是想写“初中”？"]


def test_unclosed_front_matter(project: Path) -> None:
    path = project / "content/parents/demo-article.md"
    path.write_text(path.read_text(encoding="utf-8").replace("related: [demo-lesson, demo-plan]\n---", "related: []"),
                    encoding="utf-8")
    assert problems(project) == ["demo-article.md:1:1: 元数据块（front matter）没有结束"]


def test_impossible_date(project: Path) -> None:
    edit(project, PLAN, "when: {term: 每学期, week: 1}", "when: {date: \"02-30\"}")
    assert problems(project) == ["demo-plan.yml:27:48: 日期“02-30”不存在：2 月最多 29 天"]


def test_agenda_must_add_up(project: Path) -> None:
    edit(project, LESSON, "minutes: 5, content: 布置", "minutes: 15, content: 布置")
    found = problems(project)
    assert found == ["demo-lesson.yml:12:3: 议程各环节分钟数之和是 70 分钟，而 duration 写的是 60 分钟；"
                     "请调整某个环节的 minutes 或 duration，使两者相等"]


def test_duplicate_id_across_corpus(project: Path) -> None:
    edit(project, "plans/forms/demo-form.yml", "id: demo-form", "id: demo-plan")
    found = problems(project)
    assert any("编号“demo-plan”已被方案" in line for line in found)


def test_unresolved_reference(project: Path) -> None:
    edit(project, LESSON, "related: [demo-article]", "related: [demo-artcle]")
    assert problems(project) == ["demo-lesson.yml:30:11: 相关内容“demo-artcle”不存在"]


def test_unsafe_id_is_rejected(project: Path) -> None:
    edit(project, LESSON, "id: demo-lesson", "id: ../../etc")
    found = problems(project)
    assert found[0].startswith("demo-lesson.yml:1:5: 编号只能由小写英文字母")


def test_alias_is_refused(project: Path) -> None:
    edit(project, LESSON, "key_points:\n  - 先听完再说话", "key_points:\n  - &a 先听完再说话\n  - *a")
    assert problems(project) == ["demo-lesson.yml:17:3: 不支持 YAML 的锚点和别名（& 与 *）"]


def test_all_problems_are_reported_together(project: Path) -> None:
    edit(project, LESSON, "duration: 60", "duration: 六十")
    edit(project, PLAN, "  office: 教导处", "  office: 教导处\n  colour: red")
    found = problems(project)
    assert len(found) == 2


def test_cli_check_prints_location_and_exits_1_without_traceback(project: Path) -> None:
    edit(project, LESSON, "title: 和青春期", "title：和青春期")
    result = gongyu("--root", str(project), "check")
    assert result.returncode == 1
    assert "demo-lesson.yml:2:6: 键“title”后面用了全角冒号“：”" in result.stderr
    assert "提示：YAML 的键和值之间要用半角冒号加一个空格" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_debug_shows_traceback(project: Path) -> None:
    edit(project, LESSON, "title: 和青春期", "title：和青春期")
    result = gongyu("--debug", "--root", str(project), "check")
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_only_the_processs_own_command_line_freezes_the_heap(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``gongyu …`` freezes what is alive before the command and once it has ended (the interpreter's last
    collection then walks nothing); a command given its arguments (tests, scripts) leaves ``gc`` alone."""
    import gc

    from click.testing import CliRunner

    from generator.cli.main import main

    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr("sys.argv", ["gongyu", "--root", str(project), "check"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 0 and len(frozen) == 2
    edit(project, LESSON, "title: 和青春期", "title：和青春期")
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 1 and len(frozen) == 4  # also after a failed command
    assert CliRunner().invoke(main, ["--root", str(project), "check"]).exit_code == 1 and len(frozen) == 4


def test_cli_check_passes_on_good_input(project: Path) -> None:
    result = gongyu("--root", str(project), "check")
    assert result.returncode == 0, result.stderr
    assert "检查通过" in result.stdout


def test_folded_chinese_lines_are_joined_without_spaces(project: Path) -> None:
    edit(project, LESSON, "  story: 小林回家就摔门，妈妈追着问成绩，两人吵了起来。",
         "  story: >-\n    小林回家就摔门，\n    妈妈追着问成绩。\n    Then they argued.")
    story = load_corpus(project).lessons["demo-lesson"].case.story
    assert story == "小林回家就摔门，妈妈追着问成绩。 Then they argued."
