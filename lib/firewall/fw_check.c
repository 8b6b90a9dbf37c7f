/* fw_check.c - `portkit firewall --check`: the generated rules read by
 * the real tool, without touching this host's firewall.  nft and
 * iptables-restore run in a network namespace of their own (nothing
 * they do reaches the host's tables); firewall-offline-cmd and ufw in a
 * mount namespace where a private directory is mounted over their
 * configuration.  Needs root (CAP_SYS_ADMIN for the namespaces). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "firewall/fw_internal.h"

/* The first of paths that is an executable file, or NULL. */
static const char *find_tool(const char *const *paths)
{
	for (; *paths != NULL; paths++)
		if (access(*paths, X_OK) == 0)
			return *paths;
	return NULL;
}

static pk_status write_all(const char *path, const char *data, size_t len, pk_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return pk__error_set(err, PK_IO, "%s: %s", path, strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return pk__error_set(err, PK_IO, "%s: %s", path, strerror(errno));
		}
		data += n;
		len -= (size_t)n;
	}
	return close(fd) == 0 ? PK_OK : pk__error_set(err, PK_IO, "%s: %s", path, strerror(errno));
}

/* Runs argv in a child with new namespaces (flags), stdin from in_path
 * (or /dev/null), stdout and stderr into out_path; mount_dir over
 * mount_target first when given.  Returns the exit status, or -1. */
static int run(char *const *argv, int flags, const char *in_path, const char *out_path,
	       const char *mount_dir, const char *mount_target)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (unshare(flags) != 0)
			_exit(125);
		if (mount_dir != NULL &&
		    (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		     mount(mount_dir, mount_target, NULL, MS_BIND, NULL) != 0))
			_exit(125);
		int in = open(in_path ? in_path : "/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(125);
		execv(argv[0], argv);
		_exit(126);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The tool's own words, for the error message: the first lines of its
 * output. */
static void tool_output(const char *path, char *buf, size_t size)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	for (char *c = buf; *c; c++)
		if (*c == '\n' && c[1] != '\0')
			*c = ' ';
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = *c == '\n' ? '\0' : '?';
}

static int rmtree_dir(const char *dir, const char *const *files)
{
	char path[512];
	for (; *files != NULL; files++) {
		snprintf(path, sizeof path, "%s/%s", dir, *files);
		unlink(path);
	}
	return rmdir(dir);
}

pk_status pk_fw_check(const char *text, size_t len, pk_fw_format fmt, const char *name,
		      pk_error *err)
{
	static const char *const nft_paths[] = { "/usr/sbin/nft", "/sbin/nft", NULL };
	static const char *const ipt_paths[] = { "/usr/sbin/iptables-restore",
						 "/sbin/iptables-restore", NULL };
	static const char *const ip6t_paths[] = { "/usr/sbin/ip6tables-restore",
						  "/sbin/ip6tables-restore", NULL };
	static const char *const fwd_paths[] = { "/usr/bin/firewall-offline-cmd",
						 "/usr/sbin/firewall-offline-cmd", NULL };
	static const char *const ufw_paths[] = { "/usr/sbin/ufw", "/sbin/ufw", NULL };
	const char *const *paths = fmt == PK_FW_NFT ? nft_paths :
				   fmt == PK_FW_IPTABLES ? ipt_paths :
				   fmt == PK_FW_IP6TABLES ? ip6t_paths :
				   fmt == PK_FW_FIREWALLD ? fwd_paths :
				   fmt == PK_FW_UFW ? ufw_paths : NULL;
	if (paths == NULL)
		return pk__error_set(err, PK_UNSUPPORTED,
				     "no checker for %s output (Debian has no pfctl; the tests compare "
				     "pf output with files written from pf.conf(5))",
				     pk_fw_format_name(fmt));
	const char *tool = find_tool(paths);
	if (tool == NULL)
		return pk__error_set(err, PK_UNSUPPORTED, "%s is not installed: cannot check %s output",
				     paths[0], pk_fw_format_name(fmt));
	if (geteuid() != 0)
		return pk__error_set(err, PK_PERM,
				     "checking %s output needs root (a private network or mount "
				     "namespace)", pk_fw_format_name(fmt));

	char dir[] = "/tmp/portkit-check-XXXXXX";
	if (mkdtemp(dir) == NULL)
		return pk__error_set(err, PK_IO, "cannot create a temporary directory: %s",
				     strerror(errno));
	char rules[512], out[512], conf[512], target[512];
	const char *files[8] = { "rules", "out", NULL };
	snprintf(rules, sizeof rules, "%s/rules", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	pk_status st = write_all(rules, text, len, err);
	int rc = -1;
	if (st != PK_OK)
		goto done;
	switch (fmt) {
	case PK_FW_NFT: {
		char *argv[] = { (char *)tool, "-c", "-f", rules, NULL };
		rc = run(argv, CLONE_NEWNET, NULL, out, NULL, NULL);
		break;
	}
	case PK_FW_IPTABLES:
	case PK_FW_IP6TABLES: {
		char *argv[] = { (char *)tool, "--test", NULL };
		rc = run(argv, CLONE_NEWNET, rules, out, NULL, NULL);
		break;
	}
	case PK_FW_FIREWALLD: {
		/* A private /etc/firewalld holding only the new service: the
		 * check reads it with the system's zones and helpers. */
		snprintf(conf, sizeof conf, "%s/etc", dir);
		snprintf(target, sizeof target, "%s/etc/services", dir);
		char svc[600];
		snprintf(svc, sizeof svc, "%s/%s.xml", target, name);
		if (mkdir(conf, 0755) != 0 || mkdir(target, 0755) != 0 ||
		    (st = write_all(svc, text, len, err)) != PK_OK) {
			if (st == PK_OK)
				st = pk__error_set(err, PK_IO, "%s: %s", conf, strerror(errno));
			goto done_fwd;
		}
		char *argv[] = { (char *)tool, "--check-config", NULL };
		rc = run(argv, CLONE_NEWNS | CLONE_NEWNET, NULL, out, conf, "/etc/firewalld");
		/* --check-config passes a malformed service it cannot load with
		 * a warning on some versions; listing the service makes it load. */
		if (rc == 0) {
			char svcarg[64];
			snprintf(svcarg, sizeof svcarg, "--info-service=%s", name);
			char *argv2[] = { (char *)tool, svcarg, NULL };
			rc = run(argv2, CLONE_NEWNS | CLONE_NEWNET, NULL, out, conf, "/etc/firewalld");
		}
	done_fwd:
		unlink(svc);
		rmdir(target);
		rmdir(conf);
		break;
	}
	case PK_FW_UFW: {
		snprintf(conf, sizeof conf, "%s/apps", dir);
		char prof[600];
		snprintf(prof, sizeof prof, "%s/%s", conf, name);
		if (mkdir(conf, 0755) != 0 || (st = write_all(prof, text, len, err)) != PK_OK) {
			if (st == PK_OK)
				st = pk__error_set(err, PK_IO, "%s: %s", conf, strerror(errno));
			unlink(prof);
			rmdir(conf);
			break;
		}
		char *argv[] = { (char *)tool, "app", "info", (char *)name, NULL };
		rc = run(argv, CLONE_NEWNS | CLONE_NEWNET, NULL, out, conf,
			 "/etc/ufw/applications.d");
		unlink(prof);
		rmdir(conf);
		break;
	}
	default:
		break;
	}
	if (st == PK_OK && rc != 0) {
		char msg[400];
		tool_output(out, msg, sizeof msg);
		if (rc == 125 || rc < 0)
			st = pk__error_set(err, PK_IO, "%s: could not run it in a private namespace",
					   tool);
		else
			st = pk__error_set(err, PK_PARSE, "%s refused the rules: %s", tool, msg);
	}
done:
	rmtree_dir(dir, files);
	return st;
}
