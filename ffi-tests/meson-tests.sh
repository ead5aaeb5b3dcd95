# Sourced by the C test scripts: runs a compiled Meson project's tests, then (when asked)
# the same tests under valgrind's memcheck, where any error or definite leak fails.
#
# run_meson_tests BUILD_DIR VALGRIND(0|1) TIMEOUT_MULTIPLIER
run_meson_tests() {
    local build=$1 valgrind=$2 slowdown=$3
    echo "== meson test"
    meson test -C "$build" --print-errorlogs
    grep -h -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' "$build/meson-logs/testlog.txt" | sort -u
    [ "$valgrind" = 1 ] || return 0
    echo "== meson test under valgrind (memcheck: errors and definite leaks fail)"
    meson test -C "$build" --print-errorlogs --timeout-multiplier "$slowdown" \
        --wrapper 'valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite'
    local log=$build/meson-logs/testlog-valgrind.txt runs clean lost
    runs=$(grep -c 'ERROR SUMMARY' "$log" || true)
    clean=$(grep -c 'ERROR SUMMARY: 0 errors' "$log" || true)
    lost=$(grep -c -E 'definitely lost: [1-9]' "$log" || true)
    echo "valgrind: $runs processes, $clean with 0 errors, $lost with definite leaks"
    [ "$runs" -gt 0 ] && [ "$runs" = "$clean" ] && [ "$lost" = 0 ]
}
