// Machine speed probe: every 250 ms, times a fixed unit of work (about 1 ms) by the thread's CPU
// clock, so waiting for a core is left out and a host that slows the VM down (another guest on
// the same core, its caches) shows. Prints "wall ms, CPU ns, wall ns, steal ticks, idle ticks"
// (the last two from /proc/stat) per line, for scripts/latency-probes.py.
//
// Build: cc -O2 -o /tmp/cpu-probe scripts/probes/cpu-probe.c
// Run:   /tmp/cpu-probe > RUN.cpu &   (beside steward-bench ingest --latency-log RUN.csv)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t nanoseconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static volatile uint64_t sink;  // keeps the work from being optimised away

int main(void) {
    // 256 kB of pseudo-random indices: the unit of work walks memory as well as computing.
    const size_t n = 1 << 16;
    uint32_t *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = (uint32_t)(i * 2654435761u);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        uint64_t wall0 = nanoseconds(CLOCK_REALTIME), cpu0 = nanoseconds(CLOCK_THREAD_CPUTIME_ID);
        uint64_t sum = 0;
        uint32_t j = 1;
        for (int round = 0; round < 2; round++)
            for (size_t i = 0; i < n; i++) {
                j = a[(j + i) & (n - 1)] ^ (j * 31);
                sum += j;
            }
        sink = sum;
        uint64_t cpu1 = nanoseconds(CLOCK_THREAD_CPUTIME_ID), wall1 = nanoseconds(CLOCK_REALTIME);

        unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
        FILE *stat = fopen("/proc/stat", "r");
        if (!stat || fscanf(stat, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
                            &user, &nice, &system, &idle, &iowait, &irq, &softirq, &steal) != 8) return 1;
        fclose(stat);
        printf("%llu,%llu,%llu,%llu,%llu\n", (unsigned long long)(wall0 / 1000000),
               (unsigned long long)(cpu1 - cpu0), (unsigned long long)(wall1 - wall0), steal, idle);
        usleep(250000);
    }
}
