package dev.switchboard.server.auth;

import java.util.concurrent.CompletionStage;

/**
 * One authentication attempt. The caller feeds it the client's data one step at a time, waiting for
 * each stage to complete before the next step: first the initial response of {@code <auth/>}, then
 * each {@code <response/>}. Steps after a {@link SaslStep.Success} or {@link SaslStep.Failure} fail
 * with {@link SaslFailure#MALFORMED_REQUEST}.
 */
public interface SaslExchange {
  /**
   * Processes the client's data and answers with the next step.
   *
   * @param clientData the decoded data; on the first call {@code null} when {@code <auth/>} carried
   *     no initial response, and an empty array when it carried "=" (an empty one)
   */
  CompletionStage<SaslStep> step(byte[] clientData);
}
