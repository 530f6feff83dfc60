"""The ``gongyu`` command line: :mod:`.main` (the group and site commands), :mod:`.commands` (print,
school), :mod:`.context` (shared options, error reporting), :mod:`.zh` (Click in Chinese).
"""
