package dev.switchboard.server.cluster;

/** The cluster picture as JSON for {@code GET /admin/cluster} and {@code cluster status}. */
public final class ClusterJson {
  private ClusterJson() {}

  public static String of(ClusterView.Snapshot s) {
    StringBuilder sb =
        new StringBuilder("{\"self\":").append(str(s.self())).append(",\"members\":[");
    boolean first = true;
    for (ClusterView.MemberView m : s.members()) {
      sb.append(first ? "" : ",").append("{\"address\":").append(str(m.address()));
      sb.append(",\"status\":").append(str(m.status()));
      NodeInfo i = m.info();
      if (i != null) {
        sb.append(",\"name\":").append(str(i.name()));
        sb.append(",\"c2s\":").append(str(i.c2sHost() + ":" + i.c2sPort()));
        sb.append(",\"connections\":").append(i.connections());
        sb.append(",\"sessions\":").append(i.sessions());
        sb.append(",\"accepting\":").append(i.accepting());
      }
      sb.append('}');
      first = false;
    }
    return sb.append("]}").toString();
  }

  private static String str(String v) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
