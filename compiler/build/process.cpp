#include "build/process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace spiderc::build {
namespace {

ProcessResult run(const std::vector<std::string>& argv, bool capture) {
    ProcessResult result;
    if (argv.empty()) {
        result.output = "no program to run";
        return result;
    }
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (capture) {
        if (pipe2(fds, O_CLOEXEC) != 0) {
            result.output = std::string("pipe: ") + std::strerror(errno);
            posix_spawn_file_actions_destroy(&actions);
            return result;
        }
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    }
    // The child starts with default SIGINT/SIGTERM handling even while spiderc ignores them.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (capture) close(fds[1]);
    if (rc != 0) {
        if (capture) close(fds[0]);
        result.output = "cannot run '" + argv[0] + "': " + std::strerror(rc);
        return result;
    }
    result.started = true;
    if (capture) {
        char buffer[8192];
        while (true) {
            const ssize_t n = read(fds[0], buffer, sizeof buffer);
            if (n > 0) {
                result.output.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                break;
            }
        }
        close(fds[0]);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            result.exitCode = -1;
            return result;
        }
    }
    if (WIFEXITED(status)) {
        result.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exitCode = 128 + WTERMSIG(status);
    }
    return result;
}

} // namespace

ProcessResult runCaptured(const std::vector<std::string>& argv) { return run(argv, true); }

ProcessResult runInherited(const std::vector<std::string>& argv) {
    // The crawler handles Ctrl-C itself (first: graceful stop); spiderc only waits for it.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction savedInt {};
    sigaction(SIGINT, &ignore, &savedInt);
    ProcessResult result = run(argv, false);
    sigaction(SIGINT, &savedInt, nullptr);
    return result;
}

} // namespace spiderc::build
