/* failsync.so - an LD_PRELOAD shim for the CLI tests: fsync(2) of a
 * directory fails with EIO, as on a file system whose journal just failed;
 * fsync of anything else is the real one.  It lets a test reach the one
 * failure of an atomic write that comes after the rename (the new file is
 * then in place), which no permission or full disk can produce. */
#include <dlfcn.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

int fsync(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EIO;
		return -1;
	}
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(fd);
}
