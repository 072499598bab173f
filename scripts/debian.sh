# Sourced by scripts/test.sh and scripts/demo.sh.
# Installs Debian's packages that are absent, saying why.
install_absent() {
    local why=$1
    shift
    local absent=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || absent+=("$package")
    done
    if [ ${#absent[@]} -gt 0 ]; then
        echo "installing Debian's ${absent[*]} ($why)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${absent[@]}" >/dev/null
    fi
}
