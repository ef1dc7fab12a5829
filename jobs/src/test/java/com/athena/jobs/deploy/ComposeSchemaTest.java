package com.athena.jobs.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml against the Compose Specification's JSON schema (a copy in
 * src/test/resources/deploy/compose-spec.json, see its README there): what `docker compose config`
 * would refuse fails here, without a Docker engine. Debian's docker-compose 1.29.2 cannot do it: it
 * predates the specification and refuses the top-level {@code name}.
 */
class ComposeSchemaTest {

    private static JsonSchema schema() throws Exception {
        // Loaded from its classpath location, against which the schema's relative $id resolves.
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("classpath:deploy/compose-spec.json"));
    }

    @Test
    void composeFileValidates() throws Exception {
        Set<ValidationMessage> errors = schema().validate(DeployFiles.compose());
        assertThat(errors).as("docker-compose.yml against the Compose Specification").isEmpty();
    }

    @Test
    void theSchemaRefusesWhatComposeRefuses() throws Exception {
        // The validator really applies the schema: an unknown service key and a healthcheck
        // without a valid shape are errors.
        ObjectNode broken = (ObjectNode) DeployFiles.compose();
        ((ObjectNode) broken.get("services").get("jobmanager")).put("healthchek", "typo");
        ((ObjectNode) broken.get("services").get("kafka")).put("ports", 9092);
        Set<ValidationMessage> errors = schema().validate(broken);
        assertThat(errors.toString()).contains("healthchek").contains("ports");
    }
}
