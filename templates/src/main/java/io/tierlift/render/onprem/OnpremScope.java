package io.tierlift.render.onprem;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.secret.SecretView;

/** What a role renderer needs to render one host's files. */
public record OnpremScope(AppDescriptor app, OnpremTarget target, Host host, SecretView secrets) {
}
