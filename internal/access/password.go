package access

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/errs"
	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Password rules (NIST SP 800-63B §5.1.1.2): at least MinPassword
// characters, at most MaxPassword (which bounds the cost of hashing), any
// Unicode character including spaces and / ' + & $, no composition rules,
// and not one of the common or breached passwords in the embedded list.
const (
	MinPassword = 8
	MaxPassword = 256
)

//go:embed data/common-passwords.txt.gz
var commonGz []byte

var common = sync.OnceValue(func() map[string]struct{} {
	zr, err := gzip.NewReader(bytes.NewReader(commonGz))
	if err != nil {
		panic("access: embedded password list: " + err.Error())
	}
	m := make(map[string]struct{}, 16000)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			m[strings.ToLower(s)] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		panic("access: embedded password list: " + err.Error())
	}
	return m
})

// CommonPasswords is the number of entries in the embedded list.
func CommonPasswords() int { return len(common()) }

// CheckPassword applies the password rules and returns the problem as a
// field error for field, or nil. The same check serves the API and the
// pages.
func CheckPassword(field, pw string) *errs.FieldError {
	if !utf8.ValidString(pw) {
		f := errs.Field(field, "", "the password is not valid UTF-8 text; type it again")
		return &f
	}
	pw = norm.NFC.String(pw)
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPassword:
		f := errs.Field(field, "", "the password has %d characters; use at least %d (any letters, digits, spaces or symbols, including / ' + & $)", n, MinPassword)
		return &f
	case n > MaxPassword:
		f := errs.Field(field, "", "the password has %d characters; use at most %d", n, MaxPassword)
		return &f
	}
	if _, ok := common()[strings.ToLower(pw)]; ok {
		f := errs.Field(field, "", "this password is on the list of common or breached passwords that attackers try first; choose another (a few unrelated words make a strong one)")
		return &f
	}
	return nil
}

// argon2id parameters (RFC 9106 §4, second recommended option, with the
// memory lowered to 64 MiB for a small server). They are written into each
// hash, so raising them later leaves older hashes verifiable; Verify says
// when a hash should be replaced.
type hashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

var defaultParams = hashParams{Memory: 64 * 1024, Time: 3, Threads: 2}

// HashPassword returns the argon2id hash of the NFC form of pw in the PHC
// string format: $argon2id$v=19$m=65536,t=3,p=2$salt$hash.
func HashPassword(pw string) string { return hashWith(pw, defaultParams) }

func hashWith(pw string, p hashParams) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails (Go 1.24+)
	key := argon2.IDKey([]byte(norm.NFC.String(pw)), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches hash, and whether the hash was
// made with weaker parameters than today's and should be replaced.
func VerifyPassword(hash, pw string) (ok, stale bool, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, fmt.Errorf("password hash: not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, false, fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	var p hashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, false, fmt.Errorf("password hash: parameters %q: %w", parts[3], err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, false, fmt.Errorf("password hash: salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, false, fmt.Errorf("password hash: key: %w", err)
	}
	got := argon2.IDKey([]byte(norm.NFC.String(pw)), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	ok = subtle.ConstantTimeCompare(got, want) == 1
	stale = p.Memory < defaultParams.Memory || p.Time < defaultParams.Time
	return ok, stale, nil
}

// dummyHash is verified against when an account does not exist, so that
// an unknown user ID costs the same work as a wrong password.
var dummyHash = sync.OnceValue(func() string { return HashPassword("not a password of anyone") })
