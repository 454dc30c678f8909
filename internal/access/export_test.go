package access

// WeakHash hashes with parameters below today's, for tests of rehashing.
func WeakHash(pw string) string {
	return hashWith(pw, hashParams{Memory: 8 * 1024, Time: 1, Threads: 1})
}
