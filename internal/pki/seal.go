package pki

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// ErrWrongPassphrase is returned by Open when the passphrase does not
// open the sealed key.
var ErrWrongPassphrase = errors.New("the signing passphrase is wrong")

// KDF holds the argon2id parameters that turn a passphrase into the key
// that seals a private key. They are written with each sealed key, so
// raising them later leaves older keys openable.
type KDF struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultKDF is RFC 9106 §4's second recommended option with the memory
// lowered to 64 MiB, the parameters of login passwords.
var DefaultKDF = KDF{Memory: 64 * 1024, Time: 3, Threads: 2}

// sealVersion starts every sealed key; it is also the AES-GCM additional
// data, so a sealed key cannot be passed off as another kind of secret.
const sealVersion = "coretax-key-v1"

// Seal encrypts key under a key derived from passphrase: argon2id with
// the parameters p and a fresh 16-byte salt, then AES-256-GCM over the
// PKCS #8 form of key. The result is text:
// coretax-key-v1$m=65536,t=3,p=2$salt$nonce$ciphertext (base64).
func Seal(key *ecdsa.PrivateKey, passphrase string, p KDF) (string, error) {
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("seal key: %w", err)
	}
	salt := make([]byte, 16)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails (Go 1.24+)
	aead, err := gcm(passphrase, salt, p)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	ct := aead.Seal(nil, nonce, p8, []byte(sealVersion))
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("%s$m=%d,t=%d,p=%d$%s$%s$%s", sealVersion, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(nonce), b64.EncodeToString(ct)), nil
}

// Open decrypts a key sealed by Seal. A wrong passphrase gives
// ErrWrongPassphrase; a damaged text another error.
func Open(sealed, passphrase string) (*ecdsa.PrivateKey, error) {
	parts := strings.Split(sealed, "$")
	if len(parts) != 5 || parts[0] != sealVersion {
		return nil, fmt.Errorf("open key: not a sealed key")
	}
	var p KDF
	if _, err := fmt.Sscanf(parts[1], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return nil, fmt.Errorf("open key: parameters %q: %w", parts[1], err)
	}
	b64 := base64.RawStdEncoding
	var raw [3][]byte
	for i := range raw {
		b, err := b64.DecodeString(parts[2+i])
		if err != nil {
			return nil, fmt.Errorf("open key: %w", err)
		}
		raw[i] = b
	}
	aead, err := gcm(passphrase, raw[0], p)
	if err != nil {
		return nil, err
	}
	if len(raw[1]) != aead.NonceSize() {
		return nil, fmt.Errorf("open key: nonce of %d bytes", len(raw[1]))
	}
	p8, err := aead.Open(nil, raw[1], raw[2], []byte(sealVersion))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	k, err := x509.ParsePKCS8PrivateKey(p8)
	if err != nil {
		return nil, fmt.Errorf("open key: %w", err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("open key: a %T, not an ECDSA key", k)
	}
	return ec, nil
}

func gcm(passphrase string, salt []byte, p KDF) (cipher.AEAD, error) {
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return nil, fmt.Errorf("seal key: argon2id parameters %+v", p)
	}
	k := argon2.IDKey([]byte(norm.NFC.String(passphrase)), salt, p.Time, p.Memory, p.Threads, 32)
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	return cipher.NewGCM(block)
}
