package io.tierlift.aws.iaas;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** S3 in memory: objects per bucket with their metadata, calls written to the shared journal. */
final class FakeS3 implements S3Client {
    record StoredObject(byte[] bytes, Map<String, String> metadata, String contentType, String cacheControl) {
    }

    final Map<String, Map<String, StoredObject>> buckets = new TreeMap<>();
    final List<String> journal;

    FakeS3(List<String> journal) {
        this.journal = journal;
    }

    private Map<String, StoredObject> bucket(String name) {
        return buckets.computeIfAbsent(name, b -> new TreeMap<>());
    }

    @Override
    public HeadObjectResponse headObject(HeadObjectRequest request) {
        StoredObject object = bucket(request.bucket()).get(request.key());
        if (object == null) {
            throw (NoSuchKeyException) NoSuchKeyException.builder().statusCode(404).message("Not Found").build();
        }
        return HeadObjectResponse.builder().metadata(object.metadata()).contentType(object.contentType())
                .cacheControl(object.cacheControl()).contentLength((long) object.bytes().length).build();
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        journal.add("s3:PutObject " + request.bucket() + "/" + request.key());
        try (var in = body.contentStreamProvider().newStream()) {
            bucket(request.bucket()).put(request.key(), new StoredObject(in.readAllBytes(),
                    request.metadata() == null ? Map.of() : Map.copyOf(request.metadata()), request.contentType(), request.cacheControl()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PutObjectResponse.builder().build();
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
        String prefix = request.prefix() == null ? "" : request.prefix();
        List<S3Object> contents = bucket(request.bucket()).entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> S3Object.builder().key(e.getKey()).size((long) e.getValue().bytes().length).build()).toList();
        return ListObjectsV2Response.builder().contents(contents).isTruncated(false).keyCount(contents.size()).build();
    }

    @Override
    public ListObjectVersionsResponse listObjectVersions(ListObjectVersionsRequest request) {
        List<ObjectVersion> versions = bucket(request.bucket()).keySet().stream()
                .map(k -> ObjectVersion.builder().key(k).versionId("v1").build()).toList();
        return ListObjectVersionsResponse.builder().versions(versions).isTruncated(false).build();
    }

    @Override
    public DeleteObjectsResponse deleteObjects(DeleteObjectsRequest request) {
        journal.add("s3:DeleteObjects " + request.bucket() + " " + request.delete().objects().size());
        request.delete().objects().forEach(o -> bucket(request.bucket()).remove(o.key()));
        return DeleteObjectsResponse.builder().deleted(request.delete().objects().stream()
                .map(o -> DeletedObject.builder().key(o.key()).build()).toList()).build();
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }
}
