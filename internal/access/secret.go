package access

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
)

// Key is the server key: it keys the HMAC digests of codes, session IDs
// and tokens, and (through a derived key) seals authenticator secrets.
// Losing it ends every session and voids every code and token; passwords
// survive.
type Key [32]byte

// KeyFile is the name of the key's file in the data directory.
const KeyFile = "access.key"

// ParseKey reads a key written as 64 hexadecimal digits.
func ParseKey(s string) (Key, error) {
	var k Key
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != len(k) {
		return k, fmt.Errorf("access key: want 64 hexadecimal digits")
	}
	copy(k[:], b)
	return k, nil
}

// LoadOrCreateKey reads the key from dir/access.key, creating the file
// with a new random key (mode 0600) when it does not exist.
func LoadOrCreateKey(dir string) (Key, error) {
	path := filepath.Join(dir, KeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseKey(string(b))
		if err != nil {
			return k, fmt.Errorf("%s: %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return Key{}, fmt.Errorf("read access key: %w", err)
	}
	var k Key
	_, _ = rand.Read(k[:])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Key{}, fmt.Errorf("create data directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Key{}, fmt.Errorf("create access key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(k[:]) + "\n"); err != nil {
		f.Close()
		return Key{}, fmt.Errorf("write access key: %w", err)
	}
	if err := f.Close(); err != nil {
		return Key{}, fmt.Errorf("write access key: %w", err)
	}
	return k, nil
}

// digest is the stored form of a secret: HMAC-SHA256 under the key, with a
// label so that a digest of one kind can never stand for another.
func (k Key) digest(label, secret string) string {
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

// sameDigest compares two digests in constant time.
func sameDigest(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (k Key) aead() cipher.AEAD {
	sub := k.digest("aes-gcm", "totp")
	raw, _ := hex.DecodeString(sub)
	block, err := aes.NewCipher(raw)
	if err != nil {
		panic(err) // a 32-byte key is always accepted
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return g
}

// seal encrypts plain with AES-GCM; the result is base64 text.
func (k Key) seal(plain string) string {
	g := k.aead()
	nonce := make([]byte, g.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(g.Seal(nonce, nonce, []byte(plain), nil))
}

// open decrypts what seal produced.
func (k Key) open(sealed string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	g := k.aead()
	if err != nil || len(b) < g.NonceSize() {
		return "", fmt.Errorf("sealed secret is malformed")
	}
	plain, err := g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("sealed secret does not open with this server key: %w", err)
	}
	return string(plain), nil
}

// randomToken returns n random bytes as unpadded base64url text.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// OneTimeCode returns a 6-digit one-time code from crypto/rand; every
// module that sends codes uses it.
func OneTimeCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// recoveryCode returns a random code of 10 characters from an alphabet
// without look-alikes, written as two groups: "k7pq2-x9mzr".
func recoveryCode() string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	var b strings.Builder
	for i := range 10 {
		if i == 5 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}

// normalizeRecovery accepts a recovery code typed with or without the
// dash, in any case and with spaces.
func normalizeRecovery(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	s = strings.ReplaceAll(s, "-", "")
	if len(s) == 10 {
		return s[:5] + "-" + s[5:]
	}
	return s
}
