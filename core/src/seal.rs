//! Reports sealed to the server (issue 7): a phone seals each report as it is saved, with the
//! server's public key, so that the outbox can be delivered without the volunteer's PIN while
//! nobody holding the phone can read it back.
//!
//! Format (version 1), all bytes: `1 ‖ E ‖ iv ‖ c` where `E` is a fresh P-256 public key
//! (uncompressed SEC1, 65 bytes), `iv` 12 random bytes, and `c` the AES-256-GCM encryption of
//! the mutation's JSON under `SHA-256("monalisa-seal-1" ‖ x ‖ E)`, `x` being the ECDH shared
//! secret (the x-coordinate, as WebCrypto's `deriveBits` gives it) of `E`'s secret and the
//! server's key. The phone's side is WebCrypto (`crate::vault`); the server's is below.

/// The first byte of a sealed box.
pub const VERSION: u8 = 1;
/// The domain separation label of the key derivation.
pub const LABEL: &[u8] = b"monalisa-seal-1";
/// Length of an uncompressed P-256 public key.
pub const PUBLIC_LEN: usize = 65;
/// Length of the AES-GCM nonce.
pub const IV_LEN: usize = 12;

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use aes_gcm::aead::Aead;
    use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use rand_core::{OsRng, RngCore};
    use sha2::{Digest, Sha256};

    #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
    pub enum SealError {
        #[error("not a sealed box of a known version")]
        Format,
        #[error("the sealed box does not open with this server's key")]
        Open,
    }

    /// The server's sealing key pair (the secret is kept in the store, see `Store::secret`).
    pub struct SealKey {
        secret: p256::SecretKey,
    }

    impl std::fmt::Debug for SealKey {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("SealKey(..)") // never the secret
        }
    }

    impl SealKey {
        /// A new random secret, as bytes to store.
        pub fn generate() -> Vec<u8> {
            p256::SecretKey::random(&mut OsRng).to_bytes().to_vec()
        }

        pub fn from_secret(bytes: &[u8]) -> Option<SealKey> {
            p256::SecretKey::from_slice(bytes).ok().map(|secret| SealKey { secret })
        }

        /// The public key phones seal to (uncompressed SEC1).
        pub fn public(&self) -> Vec<u8> {
            self.secret.public_key().to_encoded_point(false).as_bytes().to_vec()
        }

        /// Opens a sealed box.
        pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
            if sealed.len() < 1 + PUBLIC_LEN + IV_LEN + 16 || sealed[0] != VERSION {
                return Err(SealError::Format);
            }
            let ephemeral = &sealed[1..1 + PUBLIC_LEN];
            let iv = &sealed[1 + PUBLIC_LEN..1 + PUBLIC_LEN + IV_LEN];
            let their = p256::PublicKey::from_sec1_bytes(ephemeral).map_err(|_| SealError::Format)?;
            let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), their.as_affine());
            let key = box_key(shared.raw_secret_bytes(), ephemeral);
            Aes256Gcm::new_from_slice(&key)
                .map_err(|_| SealError::Open)?
                .decrypt(Nonce::from_slice(iv), &sealed[1 + PUBLIC_LEN + IV_LEN..])
                .map_err(|_| SealError::Open)
        }
    }

    fn box_key(shared_x: &[u8], ephemeral: &[u8]) -> [u8; 32] {
        Sha256::new().chain_update(LABEL).chain_update(shared_x).chain_update(ephemeral).finalize().into()
    }

    /// Seals `plain` to `public` as a phone does (the phone uses WebCrypto; this native twin
    /// lets the server's tests speak the format).
    pub fn seal_to(public: &[u8], plain: &[u8]) -> Result<Vec<u8>, SealError> {
        let server = p256::PublicKey::from_sec1_bytes(public).map_err(|_| SealError::Format)?;
        let ephemeral = p256::ecdh::EphemeralSecret::random(&mut OsRng);
        let e_public = ephemeral.public_key().to_encoded_point(false).as_bytes().to_vec();
        let shared = ephemeral.diffie_hellman(&server);
        let key = box_key(shared.raw_secret_bytes(), &e_public);
        let mut iv = [0u8; IV_LEN];
        OsRng.fill_bytes(&mut iv);
        let sealed = Aes256Gcm::new_from_slice(&key)
            .map_err(|_| SealError::Open)?
            .encrypt(Nonce::from_slice(&iv), plain)
            .map_err(|_| SealError::Open)?;
        Ok([&[VERSION][..], &e_public, &iv, &sealed].concat())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_sealed_box_opens_only_with_its_key_and_untouched() {
            let key = SealKey::from_secret(&SealKey::generate()).unwrap();
            let other = SealKey::from_secret(&SealKey::generate()).unwrap();
            let sealed = seal_to(&key.public(), b"{\"note\":\"chute\"}").unwrap();
            assert_eq!(sealed.len(), 1 + PUBLIC_LEN + IV_LEN + 16 + 16);
            assert_eq!(key.open(&sealed).unwrap(), b"{\"note\":\"chute\"}");
            assert_eq!(other.open(&sealed), Err(SealError::Open));
            for i in [0, 5, 70, sealed.len() - 1] {
                let mut bad = sealed.clone();
                bad[i] ^= 1;
                assert!(key.open(&bad).is_err(), "byte {i} changed");
            }
            assert_eq!(key.open(&sealed[..40]), Err(SealError::Format));
            // Two seals of the same text differ (fresh key and nonce).
            assert_ne!(seal_to(&key.public(), b"x").unwrap(), seal_to(&key.public(), b"x").unwrap());
        }

        #[test]
        fn the_key_survives_storage() {
            let secret = SealKey::generate();
            let a = SealKey::from_secret(&secret).unwrap();
            let b = SealKey::from_secret(&secret).unwrap();
            assert_eq!(a.public(), b.public());
            assert_eq!(a.public().len(), PUBLIC_LEN);
            assert!(SealKey::from_secret(&[0u8; 32]).is_none());
            assert_eq!(format!("{a:?}"), "SealKey(..)");
        }
    }
}
