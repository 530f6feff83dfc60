#!/usr/bin/env bash
# One-step set-up for gongyu on a fresh Debian/Ubuntu machine.
#   bash scripts/setup.sh site   install everything, then build the site into site/
#   bash scripts/setup.sh test   install everything (plus browser and office tools), then run all tests
# System packages come from apt where apt is present; elsewhere a message says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-site}"
case "$mode" in site|test) ;; *) echo "用法 usage: bash scripts/setup.sh site|test" >&2; exit 2 ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- system packages --------------------------------------------------------------------------
# fonts-lxgw-wenkai: a free 楷体 for the official documents' level-2 headings (AR PL UKai is the fallback)
apt_pkgs=(fonts-noto-cjk fonts-arphic-ukai fonts-lxgw-wenkai poppler-utils python3-venv)
if [ "$mode" = test ]; then
  apt_pkgs+=(chromium libreoffice-writer-nogui libreoffice-calc-nogui nodejs zbar-tools)  # zbar-tools: zbarimg reads the QR codes back; calc: reads the xlsx files back; nodejs: runs the search analyzer of the browser in tests
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "需要 root 权限安装系统软件包：${apt_pkgs[*]}（请用 root 运行，或先安装 sudo）" >&2; exit 1; fi
  fi
  missing=()
  for pkg in "${apt_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "安装系统软件包 installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # A free 仿宋 for the official documents' body text: FandolFang (GPL with the font exception) ships
  # only inside texlive-lang-chinese, whose dependencies are ~300 MB of TeX; take the one font file
  # out of the package instead of installing it.
  fandol_dir=/usr/local/share/fonts/fandol
  if [ ! -f "$fandol_dir/FandolFang-Regular.otf" ]; then
    say "安装免费仿宋字体 installing FandolFang (from texlive-lang-chinese)"
    tmp="$(mktemp -d)"
    if (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1) \
        && dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb \
           | tar -x -C "$tmp" --wildcards '*/fandol/FandolFang-Regular.otf' '*/fandol/README' 2>/dev/null; then
      $SUDO mkdir -p "$fandol_dir"
      $SUDO cp "$(find "$tmp" -name FandolFang-Regular.otf | head -1)" "$(find "$tmp" -path '*fandol/README' | head -1)" "$fandol_dir/"
    else
      echo "[提示] 未能取得 FandolFang 仿宋字体，PDF 正文将用宋体替代（可用 --fonts 指定公文字体）。" \
           "[note] FandolFang not installed; PDF body text falls back to a song face." >&2
    fi
    rm -rf "$tmp"
  fi
else
  cat >&2 <<MSG
[提示] 本机没有 apt-get，无法自动安装系统软件包。请自行安装：
  - 中文字体 Noto Sans/Serif CJK SC（生成 PDF 必需）
  - poppler-utils（pdftotext、pdffonts，测试用）
$( [ "$mode" = test ] && echo "  - Chromium 浏览器（浏览器测试）和 LibreOffice（Word 转 PDF 检查）" )
[note] apt-get not found: install the packages above by hand; continuing with the Python part.
MSG
fi

# --- Python -----------------------------------------------------------------------------------
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "需要 Python 3.11 或更高版本（当前：$("$PY" --version 2>&1)）。Python >= 3.11 is required." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  say "创建虚拟环境 creating .venv"
  "$PY" -m venv .venv
fi
say "安装 Python 依赖 installing Python packages"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"

if [ "$mode" = site ]; then
  say "生成网站 building the site"
  .venv/bin/gongyu build
  echo "完成：网站在 site/ 目录中。运行 .venv/bin/gongyu serve 后用浏览器打开 http://127.0.0.1:8000/ 预览；离线版用 .venv/bin/gongyu build --offline。"
else
  say "运行测试 running the test suite"
  exec .venv/bin/python -m pytest -q -p no:cacheprovider -n auto
fi
