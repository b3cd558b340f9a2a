/* fuzz/replay_main.c - runs a libFuzzer target without libFuzzer: every file named on the
   command line (directories are walked one level deep) is passed to LLVMFuzzerTestOneInput
   once. `make fuzz-replay` uses it, under ASan+UBSan, on the committed seeds. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char file_buf[1 << 22];

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f) { perror(path); return 1; }
    n = fread(file_buf, 1, sizeof file_buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(file_buf, n);
    return 0;
}

int main(int argc, char **argv) {
    int i, files = 0, bad = 0;
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) { perror(argv[i]); bad++; continue; }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char path[4096];
            while (d && (e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.') continue;
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                bad += replay_file(path);
                files++;
            }
            if (d) closedir(d);
        } else {
            bad += replay_file(argv[i]);
            files++;
        }
    }
    printf("%s: replayed %d inputs\n", argc > 0 ? argv[0] : "replay", files);
    return bad ? 1 : 0;
}
