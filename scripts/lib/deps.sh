# Shared by scripts/test, scripts/demo and bench/*: install missing Debian packages.
# Sourced, not run. Checks with dpkg-query first, so a second run never touches apt.

# Packages the build and the test suite need.
SPIDER_BUILD_PACKAGES=(
    g++ cmake ninja-build clang-14 libclang-rt-14-dev lld-14
    llvm-14-dev libclang-14-dev libclang-cpp14-dev
    antlr4 libantlr4-runtime-dev
    libfmt-dev catch2 libbenchmark-dev python3-twisted
    libcurl4-openssl-dev libssl-dev libxml2-dev libpcre2-dev libsqlite3-dev libhiredis-dev
    libidn2-dev libicu-dev liblzma-dev zlib1g-dev time nginx
    python3 python3-parsel python3-scrapy python3-protego python3-cryptography redis-server
)

# spider_need_packages PKG...: installs those of PKG that are not installed yet.
spider_need_packages() {
    local missing=() p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing missing packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Debian's python3, never a pyenv/venv one earlier on PATH: the Python packages we use
# (parsel, twisted, scrapy) come from Debian.
SPIDER_PYTHON=/usr/bin/python3

# Parallelism for builds and ctest: the machines have 2 cores.
SPIDER_JOBS=${SPIDER_JOBS:-$(nproc 2>/dev/null || echo 2)}
