/*
 * vigil-fence: stops this node's PostgreSQL when its Vigil agent stops confirming the leader lock in time.
 *
 * The agent starts one fence beside PostgreSQL and talks to it over the fence's standard input, one command per
 * line; the fence answers each on standard output with one line starting "ok" or "err".
 *
 *   arm <deadline>    arm, or feed the armed fence: <deadline> is an absolute CLOCK_MONOTONIC time in nanoseconds
 *                     (Java's System.nanoTime() reads the same clock on Linux), so time the agent spent frozen
 *                     between confirming the lock and writing this line is not added to the deadline.
 *                     With a watchdog device open, also a keepalive.
 *   wd-open <timeout> open the watchdog device and set its timeout (seconds); answers "ok <effective timeout>"
 *   keepalive         keep the open watchdog from firing, without arming the fence (vigil.fence off)
 *   disarm            nothing happens at the deadline any more; an open watchdog is closed with the magic 'V'
 *   exit              disarm and exit
 *
 * When the deadline passes while armed and PostgreSQL runs as a primary (no standby.signal in the data
 * directory), the fence sends the postmaster SIGQUIT (an immediate shutdown: no more commits, nothing written
 * to the data directory that crash recovery does not expect), and SIGKILL to it and its children if it has not
 * exited within a second. One line on standard error says why.
 *
 * The fence lives in its own session: the agent being stopped (SIGSTOP) or killed (SIGKILL) does not stop it,
 * nor does Ctrl-C in the agent's terminal. When the agent's end of the pipe closes, an armed fence still fires
 * at its deadline and then exits; a disarmed one exits at once. A watchdog left open without the magic close
 * stays armed in the kernel, as it would if the agent itself held it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *datadir;
static const char *wd_device;
static int wd_testing;      /* Patroni's "testing" driver: the ioctls become writes of "Ctimeout=N\n" */
static int wd_fd = -1;
static long long deadline;  /* 0 = disarmed */
static long long armed_at;  /* when the current deadline was set */

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void say(const char *fmt, ...) {
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(stderr, "%s UTC vigil-fence[%d]: ", stamp, (int) getpid());
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

static void answer(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

/* The postmaster's pid from postmaster.pid, if that process still looks like a postgres. */
static pid_t postmaster(void) {
    char path[4096], line[64], exe[256];
    snprintf(path, sizeof path, "%s/postmaster.pid", datadir);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    pid_t pid = 0;
    if (fgets(line, sizeof line, f)) pid = (pid_t) atol(line);
    fclose(f);
    if (pid <= 1) return 0;
    /* A stale file may name a pid that now belongs to another program. */
    snprintf(path, sizeof path, "/proc/%d/comm", (int) pid);
    f = fopen(path, "r");
    if (!f) return 0;
    int ok = fgets(exe, sizeof exe, f) != NULL && strncmp(exe, "postgres", 8) == 0;
    fclose(f);
    return ok ? pid : 0;
}

/* Running means not gone and not a zombie (a postmaster whose parent is frozen stays a zombie). */
static int running(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *close = strrchr(buf, ')');
    return close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
}

static void kill_children(pid_t parent) {
    DIR *proc = opendir("/proc");
    if (!proc) return;
    struct dirent *e;
    while ((e = readdir(proc)) != NULL) {
        if (!isdigit((unsigned char) e->d_name[0])) continue;
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        char *close = strrchr(buf, ')');
        int ppid = 0;
        char state;
        if (close && sscanf(close + 2, "%c %d", &state, &ppid) == 2 && ppid == (int) parent) {
            kill((pid_t) atoi(e->d_name), SIGKILL);
        }
    }
    closedir(proc);
}

static void fire(void) {
    long long late_ms = (now_ns() - deadline) / 1000000;
    long long silent_ms = (now_ns() - armed_at) / 1000000;
    deadline = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/standby.signal", datadir);
    if (access(path, F_OK) == 0) {
        say("the agent has not confirmed the leader lock for %lld ms, but PostgreSQL in %s is a standby: "
            "nothing to stop", silent_ms, datadir);
        return;
    }
    pid_t pid = postmaster();
    if (pid == 0 || !running(pid)) {
        say("the agent has not confirmed the leader lock for %lld ms; PostgreSQL in %s is not running", silent_ms,
            datadir);
        return;
    }
    say("the agent has not confirmed the leader lock for %lld ms (deadline passed %lld ms ago): stopping "
        "PostgreSQL (postmaster %d, %s) immediately, so that it takes no writes once another node may promote; "
        "the data directory is left as it is and the agent rejoins it as a replica",
        silent_ms, late_ms, (int) pid, datadir);
    kill(pid, SIGQUIT);
    for (int i = 0; i < 100 && running(pid); i++) {
        usleep(10000);
    }
    if (running(pid)) {
        say("postmaster %d still running 1 s after SIGQUIT: SIGKILL to it and its children", (int) pid);
        kill(pid, SIGSTOP);      /* no new children while they are killed */
        kill_children(pid);
        kill(pid, SIGKILL);
    }
}

static void wd_close(void) {
    if (wd_fd < 0) return;
    if (write_all(wd_fd, "V", 1) != 0) {
        say("watchdog %s: magic close failed: %s", wd_device, strerror(errno));
    }
    close(wd_fd);
    wd_fd = -1;
}

static void wd_open(int timeout) {
    if (!wd_device) {
        answer("err no watchdog device configured");
        return;
    }
    if (wd_fd < 0) {
        wd_fd = open(wd_device, O_WRONLY | O_CLOEXEC);
        if (wd_fd < 0) {
            answer("err cannot open %s: %s", wd_device, strerror(errno));
            return;
        }
    }
    int effective = timeout;
    if (wd_testing) {
        char buf[64];
        int len = snprintf(buf, sizeof buf, "Ctimeout=%d\n", timeout);
        if (write_all(wd_fd, buf, (size_t) len) != 0) {
            answer("err cannot write to %s: %s", wd_device, strerror(errno));
            close(wd_fd);
            wd_fd = -1;
            return;
        }
    } else if (ioctl(wd_fd, WDIOC_SETTIMEOUT, &effective) != 0 || ioctl(wd_fd, WDIOC_GETTIMEOUT, &effective) != 0) {
        int err = errno;
        /* Not a watchdog (ENOTTY) or a driver that refuses the timeout: close it with the magic 'V' so it stays off. */
        wd_close();
        answer("err %s: setting the timeout failed: %s", wd_device, strerror(err));
        return;
    }
    answer("ok %d", effective);
}

static void keepalive(void) {
    if (wd_fd >= 0 && write_all(wd_fd, "1", 1) != 0) {
        say("watchdog %s: keepalive failed: %s", wd_device, strerror(errno));
    }
}

static int command(char *line) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    if (strncmp(line, "arm ", 4) == 0) {
        char *end;
        long long d = strtoll(line + 4, &end, 10);
        if (*end != 0 || d <= 0) {
            answer("err bad deadline: %s", line + 4);
            return 1;
        }
        if (deadline == 0) {
            say("armed: PostgreSQL in %s is stopped if the agent does not confirm the leader lock within %lld ms",
                datadir, (d - now_ns()) / 1000000);
        }
        deadline = d;
        armed_at = now_ns();
        keepalive();
        answer("ok armed %lld", (d - armed_at) / 1000000);
    } else if (strncmp(line, "wd-open ", 8) == 0) {
        wd_open(atoi(line + 8));
    } else if (strcmp(line, "keepalive") == 0) {
        keepalive();
        answer(wd_fd >= 0 ? "ok" : "err no watchdog device is open");
    } else if (strcmp(line, "disarm") == 0) {
        if (deadline != 0) say("disarmed");
        deadline = 0;
        wd_close();
        answer("ok disarmed");
    } else if (strcmp(line, "exit") == 0) {
        deadline = 0;
        wd_close();
        answer("ok exit");
        return 0;
    } else {
        answer("err unknown command: %s", line);
    }
    return 1;
}

int main(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--datadir") == 0) datadir = argv[i + 1];
        else if (strcmp(argv[i], "--watchdog") == 0) wd_device = argv[i + 1];
        else if (strcmp(argv[i], "--watchdog-driver") == 0) wd_testing = strcmp(argv[i + 1], "testing") == 0;
    }
    if (!datadir) {
        fprintf(stderr, "usage: vigil-fence --datadir DIR [--watchdog DEVICE [--watchdog-driver default|testing]]\n");
        return 2;
    }
    setsid();
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    char buf[4096];
    size_t used = 0;
    int open_input = 1;
    for (;;) {
        int timeout = -1;
        if (deadline != 0) {
            long long left = deadline - now_ns();
            timeout = left <= 0 ? 0 : (int) ((left + 999999) / 1000000);
        }
        if (!open_input && deadline == 0) {
            return 0;
        }
        struct pollfd p = {.fd = open_input ? 0 : -1, .events = POLLIN};
        int n = poll(&p, 1, timeout);
        if (n < 0 && errno != EINTR) {
            say("poll failed: %s", strerror(errno));
            return 1;
        }
        if (deadline != 0 && now_ns() >= deadline) {
            fire();
        }
        if (n <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) {
            continue;
        }
        ssize_t r = read(0, buf + used, sizeof buf - 1 - used);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) continue;
            open_input = 0;
            if (deadline != 0) {
                say("the agent closed its pipe while the fence is armed: stopping PostgreSQL at the deadline unless "
                    "it is a standby by then");
            }
            continue;
        }
        used += (size_t) r;
        buf[used] = 0;
        char *start = buf, *nl;
        while ((nl = strchr(start, '\n')) != NULL) {
            *nl = 0;
            if (!command(start)) return 0;
            start = nl + 1;
        }
        used = strlen(start);
        memmove(buf, start, used);
        if (used == sizeof buf - 1) used = 0;  /* a line longer than any command: drop it */
    }
}
