package io.trainyard.system;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Every kind of user mistake answers 4xx application/problem+json naming what is wrong and where. */
@WebMvcTest(controllers = ProblemHandlerTest.ProbeController.class)
@Import({WebConventions.class, ProblemHandlerTest.Probe.class})
class ProblemHandlerTest {

    @Autowired
    MockMvc mvc;

    enum Colour { red, green }

    record Inner(@Min(1) int size, Colour colour) {
    }

    record Body(@NotBlank String name, @Min(1) @Max(10) int count, @Valid @NotNull Inner inner, List<@Valid Inner> more) {
    }

    @TestConfiguration
    static class Probe {
        @org.springframework.context.annotation.Bean
        ProbeController probeController() {
            return new ProbeController();
        }
    }

    @RestController
    static class ProbeController {
        @PostMapping(path = "/probe", consumes = MediaType.APPLICATION_JSON_VALUE)
        Body echo(@Valid @RequestBody Body body) {
            return body;
        }

        @GetMapping("/probe/{id}")
        String byId(@PathVariable java.util.UUID id, @RequestParam(defaultValue = "10") int limit) {
            throw ApiException.notFound("Probe", id);
        }

        @GetMapping("/probe-version/{version}")
        String version(@PathVariable int version, @RequestParam(required = false) Long after) {
            return version + " after " + after;
        }

        @GetMapping("/probe-conflict")
        String conflict(@RequestParam String reason) {
            throw ApiException.conflict("cannot do that now: " + reason);
        }

        @GetMapping("/probe-bug")
        String bug() {
            throw new IllegalStateException("internal detail that must not leak");
        }
    }

    private static final String VALID = """
            {"name":"a","count":3,"inner":{"size":2,"colour":"red"}}""";

    private ResultActions postJson(String json) throws Exception {
        return mvc.perform(post("/probe").contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private static void isProblem(ResultActions result, int status, String type) throws Exception {
        result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:" + type))
                .andExpect(jsonPath("$.title").isNotEmpty())
                .andExpect(jsonPath("$.detail").isNotEmpty());
    }

    @Test
    void aValidBodyPasses() throws Exception {
        postJson(VALID).andExpect(status().isOk()).andExpect(jsonPath("$.inner.colour").value("red"));
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws Exception {
        ResultActions r = postJson("{\"name\": \"a\",\n \"count\": }");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.detail", containsString("line 2")))
                .andExpect(jsonPath("$.errors[0].pointer").value(""))
                .andExpect(jsonPath("$.errors[0].message", containsString("malformed JSON")));
    }

    @Test
    void unknownFieldsAreRejectedWithTheirPointerAndTheAllowedNames() throws Exception {
        ResultActions r = postJson("{\"name\":\"a\",\"count\":3,\"inner\":{\"size\":2,\"colur\":\"red\"}}");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors[0].pointer").value("/inner/colur"))
                .andExpect(jsonPath("$.errors[0].message", containsString("unknown field 'colur'")))
                .andExpect(jsonPath("$.errors[0].message", containsString("colour")));
    }

    @Test
    void wrongJsonTypesNameTheExpectedType() throws Exception {
        ResultActions r = postJson("{\"name\":\"a\",\"count\":\"three\",\"inner\":{\"size\":2}}");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors[0].pointer").value("/count"))
                .andExpect(jsonPath("$.errors[0].message", containsString("an integer")));
    }

    @Test
    void aFractionWhereAnIntegerBelongsIsNotTruncated() throws Exception {
        ResultActions r = postJson("{\"name\":\"a\",\"count\":1.5,\"inner\":{\"size\":2}}");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors[0].pointer").value("/count"));
    }

    @Test
    void aNumberPastTheTypesRangeNamesTheFieldAndTheRange() throws Exception {
        ResultActions r = postJson("{\"name\":\"a\",\"count\":3000000000,\"inner\":{\"size\":2}}");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors[0].pointer").value("/count"))
                .andExpect(jsonPath("$.errors[0].message", containsString("from -2147483648 to 2147483647")))
                .andExpect(jsonPath("$.detail", containsString("3000000000")));
    }

    @Test
    void textWhereANumberBelongsIsRefusedNotConverted() throws Exception {
        ResultActions quoted = postJson("{\"name\":\"a\",\"count\":\"3\",\"inner\":{\"size\":2}}");
        isProblem(quoted, 400, "invalid-request");
        quoted.andExpect(jsonPath("$.errors[0].pointer").value("/count"));

        ResultActions empty = postJson("{\"name\":\"a\",\"count\":3,\"inner\":{\"size\":\"\"}}");
        isProblem(empty, 400, "invalid-request");
        empty.andExpect(jsonPath("$.errors[0].pointer").value("/inner/size"));
    }

    @Test
    void aNullInsideAnArrayIsRefusedWithItsPointer() throws Exception {
        ResultActions r = postJson("{\"name\":\"a\",\"count\":3,\"inner\":{\"size\":2},\"more\":[{\"size\":1},null]}");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors[0].pointer").value("/more/1"))
                .andExpect(jsonPath("$.errors[0].message", containsString("must not be null")));
    }

    @Test
    void unknownEnumValuesListTheAllowedOnes() throws Exception {
        ResultActions r = postJson("{\"name\":\"a\",\"count\":3,\"inner\":{\"size\":2,\"colour\":\"blue\"}}");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors[0].pointer").value("/inner/colour"))
                .andExpect(jsonPath("$.errors[0].message", containsString("[red, green]")));
    }

    @Test
    void validationFailuresGiveOneEntryPerProblemWithPointers() throws Exception {
        ResultActions r = postJson("{\"name\":\"\",\"count\":11,\"inner\":{\"size\":0},\"more\":[{\"size\":1},{\"size\":-1}]}");
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors.length()").value(4))
                .andExpect(jsonPath("$.errors[?(@.pointer == '/name')].message").exists())
                .andExpect(jsonPath("$.errors[?(@.pointer == '/count')].message").value(org.hamcrest.Matchers.hasItem(containsString("10"))))
                .andExpect(jsonPath("$.errors[?(@.pointer == '/inner/size')].message").exists())
                .andExpect(jsonPath("$.errors[?(@.pointer == '/more/1/size')].message").exists());
    }

    @Test
    void aMissingBodyIsAsked() throws Exception {
        ResultActions r = mvc.perform(post("/probe").contentType(MediaType.APPLICATION_JSON));
        isProblem(r, 400, "invalid-request");
    }

    @Test
    void theWrongMediaTypeListsTheAcceptedOnes() throws Exception {
        ResultActions r = mvc.perform(post("/probe").contentType(MediaType.TEXT_PLAIN).content("hello"));
        isProblem(r, 415, "unsupported-media-type");
        r.andExpect(jsonPath("$.detail", containsString("application/json")));
    }

    @Test
    void theWrongMethodListsTheAllowedOnes() throws Exception {
        ResultActions r = mvc.perform(delete("/probe"));
        isProblem(r, 405, "method-not-allowed");
        r.andExpect(header().string("Allow", containsString("POST")))
                .andExpect(jsonPath("$.detail", containsString("POST")));
    }

    @Test
    void badPathAndQueryParametersNameTheParameter() throws Exception {
        ResultActions r = mvc.perform(get("/probe/not-a-uuid"));
        isProblem(r, 400, "invalid-request");
        r.andExpect(jsonPath("$.errors[0].pointer").value("id"))
                .andExpect(jsonPath("$.errors[0].message", containsString("a UUID")));

        ResultActions limit = mvc.perform(get("/probe/" + java.util.UUID.randomUUID()).param("limit", "ten"));
        isProblem(limit, 400, "invalid-request");
        limit.andExpect(jsonPath("$.errors[0].pointer").value("limit"));

        ResultActions missing = mvc.perform(get("/probe-conflict"));
        isProblem(missing, 400, "invalid-request");
        missing.andExpect(jsonPath("$.errors[0].pointer").value("reason"));
    }

    @Test
    void integerParametersAreDecimalDigitsOnly() throws Exception {
        mvc.perform(get("/probe-version/4").param("after", "-12")).andExpect(status().isOk())
                .andExpect(content().string("4 after -12"));
        mvc.perform(get("/probe-version/007").param("after", "")).andExpect(status().isOk())
                .andExpect(content().string("7 after null"));

        // Spring's own parse reads these as 4 or 1: hex, '#', a '+', spaces, a full-width digit
        for (String encoded : new String[] {"0x4", "%234", "+1", "%201", "1%20", "%EF%BC%94", "-0x4", "1.0"}) {
            ResultActions r = mvc.perform(get(java.net.URI.create("/probe-version/" + encoded)));
            isProblem(r, 400, "invalid-request");
            r.andExpect(jsonPath("$.detail").value("Parameter 'version' must be an integer."))
                    .andExpect(jsonPath("$.errors[0].pointer").value("version"));
        }
        for (String value : new String[] {"0x4", "#4", "+1", " 1", "\uFF14", "99999999999999999999"}) {
            ResultActions r = mvc.perform(get("/probe-version/4").param("after", value));
            isProblem(r, 400, "invalid-request");
            r.andExpect(jsonPath("$.errors[0].pointer").value("after"))
                    .andExpect(jsonPath("$.errors[0].message", containsString("must be an integer")));
        }
        ResultActions limit = mvc.perform(get("/probe/" + java.util.UUID.randomUUID()).param("limit", "0x10"));
        isProblem(limit, 400, "invalid-request");
        limit.andExpect(jsonPath("$.errors[0].pointer").value("limit"));
    }

    @Test
    void domainErrorsKeepTheirStatus() throws Exception {
        isProblem(mvc.perform(get("/probe/" + java.util.UUID.randomUUID())), 404, "not-found");
        isProblem(mvc.perform(get("/probe-conflict").param("reason", "busy")), 409, "conflict");
    }

    @Test
    void unknownRoutesAreProblemsToo() throws Exception {
        ResultActions r = mvc.perform(get("/api/v1/no-such-thing"));
        isProblem(r, 404, "not-found");
        r.andExpect(jsonPath("$.detail", containsString("/api/v1/no-such-thing")));
    }

    @Test
    void bugsAnswer500WithoutLeakingInternals() throws Exception {
        ResultActions r = mvc.perform(get("/probe-bug"));
        isProblem(r, 500, "internal");
        r.andExpect(jsonPath("$.detail", org.hamcrest.Matchers.not(containsString("internal detail"))));
    }
}
