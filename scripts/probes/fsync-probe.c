// Disk probe: every 100 ms, overwrites 8 kB of a file on the database's filesystem and
// fdatasync()s it, as a commit's WAL flush does. Prints "wall ms, µs taken, Dirty kB,
// Writeback kB" (the last two from /proc/meminfo) per line, for scripts/latency-probes.py.
//
// Build: cc -O2 -o /tmp/fsync-probe scripts/probes/fsync-probe.c
// Run:   /tmp/fsync-probe DATA_DIR/fsync-probe.dat > RUN.fsync &
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: fsync-probe FILE (on the filesystem to probe)\n");
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CREAT, 0600);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    char page[8192];
    memset(page, 'x', sizeof page);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (unsigned i = 0;; i++) {
        uint64_t t0 = nanoseconds();
        if (pwrite(fd, page, sizeof page, (off_t)(i % 16) * (off_t)sizeof page) != sizeof page || fdatasync(fd) != 0) {
            perror("write");
            return 1;
        }
        uint64_t t1 = nanoseconds();

        long dirty = 0, writeback = 0;
        char line[128];
        FILE *meminfo = fopen("/proc/meminfo", "r");
        while (meminfo && fgets(line, sizeof line, meminfo)) {
            sscanf(line, "Dirty: %ld", &dirty);
            sscanf(line, "Writeback: %ld", &writeback);
        }
        if (meminfo) fclose(meminfo);
        printf("%llu,%llu,%ld,%ld\n", (unsigned long long)(t0 / 1000000), (unsigned long long)((t1 - t0) / 1000),
               dirty, writeback);
        usleep(100000);
    }
}
