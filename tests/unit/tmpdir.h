/* tmpdir.h: a fresh folder under /tmp for each test of an executable, removed
 * after it: cmocka setup and teardown, and the folder's name in s_dir. */
#ifndef VOUCH_TEST_TMPDIR_H
#define VOUCH_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static char s_dir[64];

static int s_setup(void **state)
{
    (void)state;
    snprintf(s_dir, sizeof s_dir, "/tmp/vouch-test-XXXXXX");
    return mkdtemp(s_dir) ? 0 : -1;
}

static int s_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
