//go:build race

package efaktur_test

// raceEnabled is set under the race detector, which slows XML parsing
// tenfold: the 15,000-invoice engine test then runs only without it.
const raceEnabled = true
