package storage

// SetVerifyChunk sets how many audit entries Verify reads per query, so
// that tests cross chunk boundaries with few entries; it returns a
// function that restores the old value.
func SetVerifyChunk(n int) (restore func()) {
	old := verifyChunk
	verifyChunk = n
	return func() { verifyChunk = old }
}
