# Installs Debian packages that are missing (apt-get; sudo when not root). Sourced by the
# setup and test scripts.
ensure_debian_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing Debian packages: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# What building vidtag needs: FFmpeg's and OpenBLAS's development packages.
VIDTAG_BUILD_PACKAGES=(
    pkg-config
    libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev
    libopenblas-dev
)

# What the tests need besides: the ffmpeg command-line tool, the independent reference for
# decoded frames and audio.
VIDTAG_TEST_PACKAGES=(ffmpeg)

# What the demo needs: the ffmpeg CLI and espeak-ng make the demo corpus.
VIDTAG_DEMO_PACKAGES=(ffmpeg espeak-ng)
