/* tests/peer_proc.h - the test programs' peer processes (Node and Python servers): start one
   with its stdout on a pipe and read the port it prints first; stop them all at the end, and
   kill them when the test dies of a signal. Include after axiomws.h (axws_now_ms) with
   <signal.h>, <sys/wait.h>, <unistd.h> and, on Linux, <sys/prctl.h>. */
#ifndef PEER_PROC_H
#define PEER_PROC_H
#define MAX_PEERS 8
static volatile pid_t peer_pids[MAX_PEERS];
static int peer_count;

static void stop_peers(void) {
    int i;
    for (i = 0; i < peer_count; i++) {
        pid_t pid = peer_pids[i];
        int waited = 0;
        if (pid <= 0) continue;
        kill(pid, SIGTERM);
        while (waitpid(pid, NULL, WNOHANG) == 0 && waited < 300) { /* up to 3 s */
            poll(NULL, 0, 10);
            waited++;
        }
        if (waited >= 300) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        peer_pids[i] = 0;
    }
}

static void on_fatal_signal(int sig) {
    int i;
    for (i = 0; i < peer_count; i++) /* kill() is async-signal-safe */
        if (peer_pids[i] > 0) kill(peer_pids[i], SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Start `argv` with its stdout on a pipe, read the port from its first line. Returns the
   port, or 0 when the peer did not start within 15 s. */
static int start_peer(char *const argv[]) {
    int fd[2], port = 0;
    char line[32];
    size_t got = 0;
    pid_t pid;
    int64_t deadline = axws_now_ms() + 15000;
    if (peer_count >= MAX_PEERS || pipe(fd) != 0) return 0;
    pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with us, however we die */
#endif
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    peer_pids[peer_count++] = pid;
    close(fd[1]);
    while (got < sizeof line - 1) {
        struct pollfd p;
        ssize_t n;
        int64_t left = deadline - axws_now_ms();
        p.fd = fd[0];
        p.events = POLLIN;
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) break;
        n = read(fd[0], line + got, 1);
        if (n <= 0) break;
        if (line[got] == '\n') {
            line[got] = 0;
            port = atoi(line);
            break;
        }
        got++;
    }
    close(fd[0]); /* the peers print nothing after the port */
    return port > 0 && port < 65536 ? port : 0;
}
#endif
