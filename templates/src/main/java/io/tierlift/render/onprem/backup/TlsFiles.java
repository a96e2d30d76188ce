package io.tierlift.render.onprem.backup;

/** The certificate files a pgBackRest host presents and checks its peers against. */
public record TlsFiles(String caFile, String certFile, String keyFile) {
    static TlsFiles standard() {
        return new TlsFiles(BackupLayout.CA_CERT, BackupLayout.HOST_CERT, BackupLayout.HOST_KEY);
    }
}
