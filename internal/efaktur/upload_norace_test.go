//go:build !race

package efaktur_test

const raceEnabled = false
