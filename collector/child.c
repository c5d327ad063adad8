/* The training command of `ctk collect` (collect_int.h): its environment
 * (CTK_SOCKET for markers), fork and exec, reaping it, and the signals the
 * collector catches on its behalf. A handler only writes the signal to a
 * self-pipe; the loop reads it and passes SIGINT/SIGTERM/SIGHUP sent by
 * another process on to the command (the terminal's ^C reaches it anyway). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/collect_int.h"
#include "common/time.h"

static int sig_w = -1;
static const int sigs[COLL_NSIG] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE};

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	unsigned char msg[2];
	int e = errno;

	(void)uc;
	msg[0] = (unsigned char)sig;
	/* 1: sent to us by a process (kill, scancel, a service manager);
	 * 0: made by the kernel (the terminal's ^C reaches the command too) */
	msg[1] = si && si->si_code != SI_KERNEL;
	if (write(sig_w, msg, sizeof msg) < 0) {
		/* the pipe is full: the loop wakes up anyway */
	}
	errno = e;
}

void ctk_coll_ignore_xfsz(struct collector *c)
{
	struct sigaction xfsz;

	/* a file-size limit (a full disk) is an error the store reports, not
	 * the collector's death (the command gets SIG_DFL back) */
	memset(&xfsz, 0, sizeof xfsz);
	xfsz.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &xfsz, &c->old_xfsz);
}

int ctk_coll_signals_install(struct collector *c, struct ctk_error *err)
{
	struct sigaction sa;

	if (pipe2(c->sig_pipe, O_CLOEXEC | O_NONBLOCK)) {
		c->sig_pipe[0] = c->sig_pipe[1] = -1;
		return ctk_failf(err, CTK_EDB, "pipe: %s", strerror(errno));
	}
	sig_w = c->sig_pipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < COLL_NSIG - 1; i++)
		sigaction(sigs[i], &sa, &c->old_sig[i]);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, &c->old_sig[COLL_NSIG - 1]);
	c->handlers = 1;
	return 0;
}

void ctk_coll_signals_restore(struct collector *c)
{
	sigaction(SIGXFSZ, &c->old_xfsz, NULL);
	if (c->handlers)
		for (int i = 0; i < COLL_NSIG; i++)
			sigaction(sigs[i], &c->old_sig[i], NULL);
	c->handlers = 0;
	sig_w = -1;
	if (c->sig_pipe[0] >= 0) {
		close(c->sig_pipe[0]);
		close(c->sig_pipe[1]);
		c->sig_pipe[0] = c->sig_pipe[1] = -1;
	}
}

static void reap_child(struct collector *c)
{
	int st;
	pid_t p;

	if (c->child <= 0 || c->child_done)
		return;
	while ((p = waitpid(c->child, &st, WNOHANG)) < 0 && errno == EINTR)
		;
	if (p != c->child)
		return;
	c->child_done = 1;
	c->child_end_ns = ctk_now_ns();
	c->child_done_mono = ctk_coll_mono_ns();
	c->child_status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

void ctk_coll_signals_read(struct collector *c)
{
	unsigned char msg[64];
	ssize_t got = read(c->sig_pipe[0], msg, sizeof msg);

	for (ssize_t k = 0; k + 1 < got; k += 2) {
		int sig = msg[k], sent = msg[k + 1];
		if (sig == SIGCHLD) {
			reap_child(c);
		} else if (c->child > 0 && !c->child_done) {
			if (sent)
				kill(c->child, sig);
		} else {
			c->stop_signal = sig;
		}
	}
}

extern char **environ;

/* The command's environment: ours plus CTK_SOCKET (and PYTHONUNBUFFERED=1
 * with --epoch-regex), built before fork so the child only calls
 * async-signal-safe functions. Free with free() (the strings are owned
 * by environ or by *own). */
static char **child_env(struct collector *c, char **own)
{
	size_t n = 0;
	char **env;
	int unbuffered = c->have_tee && !getenv("PYTHONUNBUFFERED");

	while (environ[n])
		n++;
	if (!(env = calloc(n + 3, sizeof(*env))))
		return NULL;
	*own = NULL;
	if (c->server.lfd >= 0) {
		size_t len = strlen(c->server.path) + sizeof "CTK_SOCKET=";
		if (!(*own = malloc(len))) {
			free(env);
			return NULL;
		}
		snprintf(*own, len, "CTK_SOCKET=%s", c->server.path);
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "CTK_SOCKET=", 11))
			env[k++] = environ[i];
	if (*own)
		env[k++] = *own;
	if (unbuffered)
		env[k++] = (char *)"PYTHONUNBUFFERED=1"; /* epoch lines on time, not at exit */
	env[k] = NULL;
	return env;
}

static void write_str(const char *s)
{
	if (write(2, s, strlen(s)) < 0) {
		/* nothing more to do in a failing child */
	}
}

/* In the child after fork: default signals, the output helper's pipes, exec.
 * A failed exec frees the environment it made (under valgrind the child's
 * exit is leak-checked too, and nothing else points to it any more). */
_Noreturn static void exec_child(struct collector *c, char **env, char *own)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	int dfl[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGXFSZ};
	for (size_t i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
		sigaction(dfl[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	if (c->have_tee) {
		dup2(c->tee.out_w, 1);
		dup2(c->tee.err_w, 2);
	}
	execvpe(c->o->cmd[0], c->o->cmd, env);
	int e = errno;
	write_str("ctk collect: cannot run '");
	write_str(c->o->cmd[0]);
	write_str("': ");
	write_str(strerror(e));
	write_str("\n");
	free(env);
	free(own);
	_exit(e == ENOENT ? 127 : 126);
}

int ctk_coll_start_child(struct collector *c, struct ctk_error *err)
{
	char *own = NULL, **env = child_env(c, &own);
	pid_t pid;

	if (!env)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	pid = fork();
	if (pid < 0) {
		free(env);
		free(own);
		return ctk_failf(err, CTK_EDB, "cannot start '%s': %s", c->o->cmd[0], strerror(errno));
	}
	if (pid == 0)
		exec_child(c, env, own);
	free(env);
	free(own);
	c->child = pid;
	return 0;
}
