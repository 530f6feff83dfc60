# 共育 gongyu — Windows 安装脚本（官方 Python，https://www.python.org/downloads/windows/）
# Set-up on Windows with the official Python: a virtual environment in .venv, the Python packages,
# a check of the 公文 fonts Windows already has, then the site is built into site\.
#
# 用法（在项目文件夹中打开 PowerShell）：
#   powershell -ExecutionPolicy Bypass -File scripts\setup.ps1          # 安装并生成网站
#   powershell -ExecutionPolicy Bypass -File scripts\setup.ps1 -Test    # 安装测试依赖并运行测试
#
# This file is saved as UTF-8 with a BOM: Windows PowerShell 5.1 reads a file without one in the
# system's ANSI code page and would garble the Chinese messages.
param(
    [switch]$Test
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

# Chinese output from Python and gongyu, whatever the console's code page
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$env:PYTHONUTF8 = "1"
$env:PYTHONIOENCODING = "utf-8"

function Say($text) { Write-Host "==> $text" -ForegroundColor Cyan }
function Fail($text) { Write-Host $text -ForegroundColor Red; exit 1 }

# --- Python -------------------------------------------------------------------------------------
# The official installer puts the launcher `py` on PATH; `python` may be the Microsoft Store stub.
$python = $null
if (Get-Command py -ErrorAction SilentlyContinue) {
    $python = @("py", "-3")
} elseif (Get-Command python -ErrorAction SilentlyContinue) {
    $python = @("python")
} else {
    Fail "没有找到 Python。请从 https://www.python.org/downloads/windows/ 安装 Python 3.11 或更高版本（安装时勾选 “Add python.exe to PATH”），再运行本脚本。"
}
$pyExe = $python[0]
$pyArgs = @($python | Select-Object -Skip 1)
& $pyExe @pyArgs -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
if ($LASTEXITCODE -ne 0) {
    $version = & $pyExe @pyArgs --version
    Fail "需要 Python 3.11 或更高版本（当前：$version）。请从 python.org 安装新版本后重试。"
}

if (-not (Test-Path ".venv\Scripts\python.exe")) {
    Say "创建虚拟环境 .venv（creating .venv）"
    & $pyExe @pyArgs -m venv .venv
    if ($LASTEXITCODE -ne 0) { Fail "创建虚拟环境失败。" }
}
$venvPython = Join-Path (Get-Location) ".venv\Scripts\python.exe"
$gongyu = Join-Path (Get-Location) ".venv\Scripts\gongyu.exe"

Say "安装 Python 依赖（installing Python packages）"
& $venvPython -m pip install -q --upgrade pip
$target = if ($Test) { ".[test]" } else { "." }
& $venvPython -m pip install -q -e $target
if ($LASTEXITCODE -ne 0) { Fail "安装 Python 依赖失败：请检查网络，或设置国内镜像后重试，例如 pip config set global.index-url https://mirrors.aliyun.com/pypi/simple/" }

# --- Fonts --------------------------------------------------------------------------------------
# Windows ships 仿宋 (simfang.ttf), 楷体 (simkai.ttf) and 黑体 (simhei.ttf); 方正小标宋 comes with
# WPS or from 方正. gongyu looks in C:\Windows\Fonts and the user's font folder by itself.
$fontDirs = @((Join-Path $env:WINDIR "Fonts"), (Join-Path $env:LOCALAPPDATA "Microsoft\Windows\Fonts"))
$wanted = [ordered]@{ "仿宋（正文）" = @("simfang.ttf", "fangsong_gb2312.ttf"); "楷体（二级标题）" = @("simkai.ttf", "kaiti_gb2312.ttf");
                      "黑体（一级标题）" = @("simhei.ttf"); "小标宋（标题）" = @("FZXBSJW.TTF", "fzxbsjw.ttf", "方正小标宋简体.ttf") }
foreach ($role in $wanted.Keys) {
    $found = $null
    foreach ($dir in $fontDirs) {
        foreach ($name in $wanted[$role]) {
            if (Test-Path (Join-Path $dir $name)) { $found = Join-Path $dir $name; break }
        }
        if ($found) { break }
    }
    if ($found) { Write-Host "  $role：$found" } else { Write-Host "  $role：没有找到，PDF 中用其他中文字体代替（生成时会写明）" -ForegroundColor Yellow }
}

# --- The site or the tests ----------------------------------------------------------------------
if ($Test) {
    Say "运行测试（running the tests; browser and LibreOffice tests are skipped without them）"
    & $venvPython -m pytest -q -p no:cacheprovider
    exit $LASTEXITCODE
}
Say "生成网站（building the site）"
& $gongyu build
if ($LASTEXITCODE -ne 0) { Fail "生成网站失败，请看上面的提示。" }
Write-Host ""
Write-Host "完成：网站在 site\ 文件夹中。预览：.venv\Scripts\gongyu.exe serve，然后用浏览器打开 http://127.0.0.1:8000/"
Write-Host "要拷到 U 盘或直接双击打开的离线版：.venv\Scripts\gongyu.exe build --offline"
Write-Host "学校方案包：.venv\Scripts\gongyu.exe school new，填好后 .venv\Scripts\gongyu.exe school build 档案.yml"
