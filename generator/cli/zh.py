"""Click's own words in Chinese: usage lines, option errors and ``--help``.

Click marks its messages for translation with :func:`gettext.gettext` bound as ``_`` (and
``ngettext``) in each of its modules. gongyu's CLI is Chinese only, so instead of a message catalogue
and a locale that users would have to set, :func:`install` rebinds those two names to a lookup in
:data:`MESSAGES` when the command starts (:class:`generator.cli.context.ChineseGroup`), not on import. A test checks that every message listed here still exists in the installed Click,
so an upgrade that rewords one is noticed.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

#: Click message → Chinese. Placeholders keep Click's names.
MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "请运行“{command} {option}”查看帮助。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对：{message}",
    "Invalid value: {message}": "值不对：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "Option {name!r} does not take a value.": "选项“{name}”后面不用写值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。",
    "Aborted!": "已中断。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是一个文件，这里需要文件夹。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是一个文件夹，这里需要文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有权限）。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "Choose from:\n\t{choices}": "请从下列各项中选择：\n\t{choices}",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "float": "数字",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
}

#: Plural messages: Click's singular form → Chinese (singular, plural), placeholders kept.
PLURALS: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": ("多写了参数（{args}）", "多写了参数（{args}）"),
    "Takes {nargs} values but 1 was given.": ("需要 {nargs} 个值，只写了 1 个。", "需要 {nargs} 个值，写了 {len} 个。"),
    "Did you mean {possibility}?": ("您是不是想写 {possibility}？", "（您是不是想写其中之一：{possibilities}？）"),
    "Option {name!r} requires an argument.": ("选项 {name} 后面需要写一个值。", "选项 {name} 后面需要写 {nargs} 个值。"),
    "{value!r} is not {choice}.": ("“{value}”不是 {choice}。", "“{value}”不是 {choices} 中的一个。"),
    "{value!r} does not match the format {format}.": ("“{value}”不符合格式 {format}。", "“{value}”不符合格式 {formats}。"),
}

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                  "shell_completion")


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, count: int) -> str:
    if singular in PLURALS:
        return PLURALS[singular][0 if count == 1 else 1]
    return singular if count == 1 else plural


#: Click's placeholders for a value in ``--help`` (``TEXT``, ``INTEGER`` …) in Chinese.
METAVARS: dict[str, str] = {
    "TEXT": "文本",
    "INTEGER": "整数",
    "INTEGER RANGE": "整数",
    "FLOAT": "数字",
    "FLOAT RANGE": "数字",
    "BOOLEAN": "是或否",
    "PATH": "路径",
    "FILE": "文件",
    "FILENAME": "文件",
    "DIRECTORY": "文件夹",
    "UUID": "编号",
}


def _type_word(param: Any) -> str | None:
    """The Chinese word for what ``param`` takes, from its type (a path: 文件, 文件夹 or 路径)."""
    import click

    kind = param.type
    if isinstance(kind, click.Path):
        if kind.file_okay and not kind.dir_okay:
            return "文件"
        if kind.dir_okay and not kind.file_okay:
            return "文件夹"
        return "文件"
    if isinstance(kind, click.File):
        return "文件"
    return METAVARS.get(kind.name.upper())


def chinese_metavar(param: Any, english: str) -> str:
    """``english`` (Click's metavar: ``TEXT``, ``[INPUTS]...``, ``INTEGER RANGE``) in Chinese."""
    if param.metavar is not None:
        return english
    core, tail = english, ""
    if core.endswith("..."):
        core, tail = core[:-3], "…"
    optional = core.startswith("[") and core.endswith("]") and param.param_type_name == "argument"
    if optional:
        core = core[1:-1]
    if param.param_type_name == "argument":
        word = _type_word(param) if core == (param.name or "").upper() else None
    else:
        word = METAVARS.get(core) or (_type_word(param) if core == param.type.name.upper() else None)
    if word is None:
        return english
    return (f"[{word}]" if optional else word) + tail


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two (Click counts one)."""
    import unicodedata

    from click._compat import strip_ansi

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in strip_ansi(text))


def _patch_metavars() -> None:
    import click
    import click.formatting

    # help columns line up by display width: "--out 文件夹" is 10 columns wide, not 7
    click.formatting.term_len = display_width  # type: ignore[attr-defined]

    for cls in (click.core.Parameter, click.core.Argument, click.core.Option):
        original = cls.__dict__.get("make_metavar")
        if original is None or getattr(original, "_gongyu", False):
            continue

        def make_metavar(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> str:
            return chinese_metavar(self, _original(self, *args, **kwargs))

        make_metavar._gongyu = True  # type: ignore[attr-defined]
        setattr(cls, "make_metavar", make_metavar)


class ChinesePath(click.Path):
    """``click.Path`` named in Chinese (文件, 文件夹, 路径) in its messages.

    Click names the type when the option is declared, that is before :func:`install` runs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = translate(self.name)


def install() -> None:
    """Make Click speak Chinese in this process (called when the ``gongyu`` command starts): its
    messages and its value placeholders."""
    _patch_metavars()
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]
