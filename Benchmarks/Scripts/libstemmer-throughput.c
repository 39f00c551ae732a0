/* Stems the Snowball German word list with the Snowball C library
 * (Debian's libstemmer-dev) and prints words/s, median of ROUNDS rounds,
 * in the same way as `throughput stem`. Compare speed only: Debian's library
 * implements an older German algorithm. */
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s voc.txt [ROUNDS]\n", argv[0]); return 64; }
    int rounds = argc > 2 ? atoi(argv[2]) : 7, repeats = 20;
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 66; }
    size_t capacity = 1 << 16, count = 0;
    char **words = malloc(capacity * sizeof *words);
    int *lengths = malloc(capacity * sizeof *lengths);
    char line[4096];
    while (fgets(line, sizeof line, file)) {
        size_t length = strcspn(line, "\n");
        line[length] = 0;
        if (count == capacity) {
            capacity *= 2;
            words = realloc(words, capacity * sizeof *words);
            lengths = realloc(lengths, capacity * sizeof *lengths);
        }
        words[count] = strdup(line);
        lengths[count++] = (int)length;
    }
    fclose(file);
    struct sb_stemmer *stemmer = sb_stemmer_new("german", "UTF_8");
    double *rates = malloc(rounds * sizeof *rates);
    long checksum = 0;
    for (int r = 0; r < rounds; r++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (int k = 0; k < repeats; k++)
            for (size_t i = 0; i < count; i++) {
                sb_stemmer_stem(stemmer, (const sb_symbol *)words[i], lengths[i]);
                checksum += sb_stemmer_length(stemmer);
            }
        clock_gettime(CLOCK_MONOTONIC, &end);
        double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
        rates[r] = (double)(count * repeats) / seconds;
    }
    qsort(rates, rounds, sizeof *rates, compare);
    printf("libstemmer: %.2f M words/s (median of %d rounds, %zu words x %d, checksum %ld)\n",
           rates[rounds / 2] / 1e6, rounds, count, repeats, checksum);
    sb_stemmer_delete(stemmer);
    return 0;
}
