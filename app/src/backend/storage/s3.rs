//! The S3 backend (AWS S3, Cloudflare R2, Garage, MinIO): a private bucket, objects stored
//! with server-side encryption, opened by presigned GET links that expire and that fix the
//! content type and disposition the browser sees.
//!
//! `STORAGE_URL=s3://BUCKET?endpoint=https://…&region=…[&path_style=true][&sse=AES256]`;
//! the keys come from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. Every new object is
//! written under `STORAGE_PREFIX` (default `cpd-registry/`), and listing (the sweep) asks
//! for that prefix only, so deployments sharing a bucket with their own prefixes never
//! see, let alone remove, each other's objects.

use super::data_key::DataKey;
use super::spool::Spool;
use super::{LinkSpec, ObjectStore, PlainStream};
use crate::backend::config::Config;
use anyhow::Context;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `STORAGE_URL` says about the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub path_style: bool,
    /// `None`: the store encrypts at rest by itself (R2, Garage with encrypted disks).
    pub sse: Option<String>,
}

impl S3Url {
    pub fn parse(url: &str) -> anyhow::Result<S3Url> {
        let rest = url.strip_prefix("s3://").context("not an s3:// URL")?;
        let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
        anyhow::ensure!(
            !bucket.is_empty() && !bucket.contains('/'),
            "STORAGE_URL needs a bucket: s3://BUCKET?endpoint=…"
        );
        let mut parsed = S3Url {
            bucket: bucket.to_owned(),
            endpoint: None,
            region: "us-east-1".to_owned(),
            path_style: false,
            sse: Some("AES256".to_owned()),
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "endpoint" => parsed.endpoint = Some(value.to_owned()),
                "region" => parsed.region = value.to_owned(),
                "path_style" => parsed.path_style = value == "true" || value == "1",
                "sse" => {
                    parsed.sse = match value {
                        "none" => None,
                        "AES256" | "aws:kms" => Some(value.to_owned()),
                        other => anyhow::bail!("sse={other}: use AES256, aws:kms or none"),
                    }
                }
                other => anyhow::bail!("STORAGE_URL: unknown setting {other}"),
            }
        }
        Ok(parsed)
    }
}

impl S3Url {
    /// Where presigned links point: the endpoint (path style), the bucket's host under it,
    /// or AWS's own.
    pub fn origin(&self) -> String {
        match &self.endpoint {
            Some(endpoint) => {
                let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
                let host = rest.split('/').next().unwrap_or(rest);
                if self.path_style {
                    format!("{scheme}://{host}")
                } else {
                    format!("{scheme}://{}.{host}", self.bucket)
                }
            }
            None => format!("https://{}.s3.{}.amazonaws.com", self.bucket, self.region),
        }
    }
}

pub struct S3Store {
    client: aws_sdk_s3::Client,
    url: S3Url,
    prefix: String,
    spool_dir: PathBuf,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl S3Store {
    pub fn from_url(url: &str, config: &Config) -> anyhow::Result<S3Store> {
        let url = S3Url::parse(url)?;
        let (Some(id), Some(secret)) = (
            &config.storage.s3_access_key_id,
            &config.storage.s3_secret_access_key,
        ) else {
            anyhow::bail!("STORAGE_URL=s3://… needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        };
        let credentials = Credentials::new(id.expose(), secret.expose(), None, None, "config");
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let mut builder = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(url.region.clone()))
            .credentials_provider(credentials)
            .http_client(http)
            .force_path_style(url.path_style)
            // S3-compatible stores reject the newer default checksums on some calls.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .timeout_config(
                aws_sdk_s3::config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_timeout(Duration::from_secs(120))
                    .build(),
            );
        if let Some(endpoint) = &url.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Ok(S3Store {
            client: aws_sdk_s3::Client::from_conf(builder.build()),
            url,
            prefix: config.storage.prefix.clone(),
            spool_dir: config.data_dir.join("spool"),
        })
    }
}

impl S3Store {
    /// One PUT of a whole body, with the bucket's server-side encryption when it is set.
    async fn put_body(&self, key: &str, mime: &str, body: Vec<u8>) -> anyhow::Result<()> {
        let mut request = self
            .client
            .put_object()
            .bucket(&self.url.bucket)
            .key(key)
            .content_type(mime)
            .body(ByteStream::from(body));
        if let Some(sse) = &self.url.sse {
            request = request.server_side_encryption(ServerSideEncryption::from(sse.as_str()));
        }
        request.send().await.map_err(aws_sdk_s3::Error::from)?;
        Ok(())
    }
}

impl ObjectStore for S3Store {
    fn spool_dir(&self) -> &Path {
        &self.spool_dir
    }

    fn put<'a>(
        &'a self,
        spool: Spool,
        firm_key: &'a DataKey,
        mime: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            // The body is read into memory (at most the upload limit) because S3 wants its
            // length and checksum up front; the bucket encrypts it at rest.
            let mut body = Vec::with_capacity(usize::try_from(spool.size).unwrap_or(0));
            let mut reader = spool.reader(firm_key).await?;
            while let Some(chunk) = reader.next().await? {
                body.extend_from_slice(&chunk);
            }
            self.put_body(spool.key(), mime, body)
                .await
                .with_context(|| format!("storing object {}", spool.key()))
        }
        .boxed()
    }

    fn get<'a>(
        &'a self,
        key: &'a str,
        _firm_key: &'a DataKey,
    ) -> BoxFuture<'a, anyhow::Result<PlainStream>> {
        async move {
            let object = self
                .client
                .get_object()
                .bucket(&self.url.bucket)
                .key(key)
                .send()
                .await
                .map_err(aws_sdk_s3::Error::from)
                .with_context(|| format!("reading object {key}"))?;
            let stream = futures_util::stream::unfold(object.body, |mut body| async move {
                body.next()
                    .await
                    .map(|chunk| (chunk.map_err(std::io::Error::other), body))
            });
            Ok(stream.boxed())
        }
        .boxed()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            self.client
                .delete_object()
                .bucket(&self.url.bucket)
                .key(key)
                .send()
                .await
                .map_err(aws_sdk_s3::Error::from)
                .with_context(|| format!("removing object {key}"))?;
            Ok(())
        }
        .boxed()
    }

    fn create_small<'a>(
        &'a self,
        key: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, anyhow::Result<Vec<u8>>> {
        async move {
            if let Some(stored) = self.read_small(key).await? {
                return Ok(stored);
            }
            // Not every S3 server honours conditional writes: of two writers at the same
            // instant the last one lands, and both read back what did.
            self.put_body(key, "application/octet-stream", bytes.to_vec())
                .await
                .with_context(|| format!("storing {key}"))?;
            self.read_small(key)
                .await?
                .with_context(|| format!("{key} was not stored"))
        }
        .boxed()
    }

    fn read_small<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>> {
        async move {
            let object = match self
                .client
                .get_object()
                .bucket(&self.url.bucket)
                .key(key)
                .send()
                .await
            {
                Ok(object) => object,
                Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                    return Ok(None);
                }
                Err(error) => {
                    return Err(aws_sdk_s3::Error::from(error))
                        .with_context(|| format!("reading {key}"));
                }
            };
            let bytes = object
                .body
                .collect()
                .await
                .with_context(|| format!("reading {key}"))?;
            Ok(Some(bytes.into_bytes().to_vec()))
        }
        .boxed()
    }

    fn list(&self) -> BoxFuture<'_, anyhow::Result<Vec<(String, i64)>>> {
        async move {
            let mut out = Vec::new();
            let mut pages = self
                .client
                .list_objects_v2()
                .bucket(&self.url.bucket)
                .set_prefix((!self.prefix.is_empty()).then(|| self.prefix.clone()))
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page
                    .map_err(aws_sdk_s3::Error::from)
                    .context("listing objects")?;
                for object in page.contents() {
                    // Only what is under the prefix, whatever the store sends.
                    if let Some(key) = object.key().filter(|k| k.starts_with(&self.prefix)) {
                        let modified = object.last_modified().map_or(0, |t| t.secs());
                        out.push((key.to_owned(), modified));
                    }
                }
            }
            Ok(out)
        }
        .boxed()
    }

    fn key_prefix(&self) -> &str {
        &self.prefix
    }

    fn link_origin(&self) -> Option<String> {
        Some(self.url.origin())
    }

    fn link<'a>(&'a self, spec: &'a LinkSpec<'a>) -> BoxFuture<'a, anyhow::Result<String>> {
        async move {
            let ttl = Duration::from_secs(spec.ttl_secs.min(3600));
            let presigned = self
                .client
                .get_object()
                .bucket(&self.url.bucket)
                .key(spec.key)
                .response_content_type(spec.mime)
                .response_content_disposition(spec.disposition.header(spec.file_name))
                .response_cache_control("private, no-store")
                .presigned(PresigningConfig::expires_in(ttl)?)
                .await
                .map_err(aws_sdk_s3::Error::from)
                .context("presigning a link")?;
            Ok(presigned.uri().to_owned())
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_urls_are_read_and_checked() {
        let url = S3Url::parse(
            "s3://certs?endpoint=http://127.0.0.1:3900&region=garage&path_style=true&sse=none",
        )
        .expect("parses");
        assert_eq!(url.bucket, "certs");
        assert_eq!(url.endpoint.as_deref(), Some("http://127.0.0.1:3900"));
        assert_eq!(url.region, "garage");
        assert!(url.path_style);
        assert_eq!(url.sse, None);
        let aws = S3Url::parse("s3://certs?region=eu-north-1").expect("parses");
        assert_eq!(aws.sse.as_deref(), Some("AES256"), "encrypted unless told");
        assert_eq!(url.origin(), "http://127.0.0.1:3900");
        assert_eq!(aws.origin(), "https://certs.s3.eu-north-1.amazonaws.com");
        assert!(S3Url::parse("s3://?region=x").is_err());
        assert!(S3Url::parse("s3://b?sse=rot13").is_err());
        assert!(S3Url::parse("s3://b?bogus=1").is_err());
    }
}
