package dev.herald.segmentation.sql;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeCatalogue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a host keeps its players in PostgreSQL: a table or view, its player id column, and the
 * column that holds each attribute rules may name. Herald's {@code push.*} attributes are mapped
 * like any other, so the host's view supplies them as columns (for example joined from its
 * device table); an attribute without a column cannot be used in a rule compiled to SQL.
 *
 * <pre>{@code
 * PlayerTable players = PlayerTable.builder("crm.player_segment_view", "player_id")
 *     .column("vip_level", "vip_tier")
 *     .column("country", "country_code")
 *     .column("last_deposit_at", "last_deposit_at")
 *     .column("push.enabled", "push_enabled")
 *     .build();
 * }</pre>
 *
 * <p>The column of each attribute must have the SQL type of the attribute's type:
 * <table>
 *   <caption>Attribute types and column types</caption>
 *   <tr><th>attribute type</th><th>column type</th></tr>
 *   <tr><td>string</td><td>{@code text} or {@code varchar}</td></tr>
 *   <tr><td>number</td><td>any numeric type; compared as {@code double precision}, so an index
 *       serves only a {@code double precision} column</td></tr>
 *   <tr><td>boolean</td><td>{@code boolean}</td></tr>
 *   <tr><td>timestamp</td><td>{@code timestamptz}</td></tr>
 *   <tr><td>set of strings</td><td>{@code text[]}</td></tr>
 * </table>
 * A missing value is SQL {@code NULL}. The id column is text, never NULL, and is ordered with the
 * {@code "C"} collation (code point order); declare it {@code COLLATE "C"} so its index serves
 * the keyset pagination.
 *
 * <p>Names are checked (letters, digits and {@code _}, at most 63 characters; the table may be
 * {@code schema.table}) and always double-quoted in the generated SQL, so they are
 * case-sensitive: use the lower-case names PostgreSQL folds unquoted names to. Nothing else from
 * outside ever enters the SQL text; rule values are bound parameters.
 *
 * <p>Immutable and thread-safe. <b>Beta:</b> may change before 1.0.
 */
public final class PlayerTable {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final String table;
  private final String idColumn;
  private final Map<String, String> columns;
  private final String quotedTable;
  private final String quotedId;
  private final Map<String, String> quotedColumns;

  private PlayerTable(Builder b) {
    this.table = b.table;
    this.idColumn = b.idColumn;
    this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(b.columns));
    this.quotedTable = quoteQualified(table);
    this.quotedId = quote(idColumn);
    Map<String, String> quoted = new LinkedHashMap<>();
    columns.forEach((attribute, column) -> quoted.put(attribute, quote(column)));
    this.quotedColumns = Collections.unmodifiableMap(quoted);
  }

  /**
   * Starts a mapping.
   *
   * @param table the table or view, optionally {@code schema.name}
   * @param idColumn the column of the player id
   * @return a builder
   * @throws InvalidInputException when a name is not a plain identifier
   */
  public static Builder builder(String table, String idColumn) {
    return new Builder(table, idColumn);
  }

  /** @return the table or view as given, for example {@code crm.players} */
  public String table() {
    return table;
  }

  /** @return the player id column */
  public String idColumn() {
    return idColumn;
  }

  /** @return attribute name to column name, in the order they were mapped */
  public Map<String, String> columns() {
    return columns;
  }

  /**
   * The column of one attribute.
   *
   * @param attribute the attribute's canonical name
   * @return the column, or empty when the attribute is not mapped
   */
  public Optional<String> column(String attribute) {
    return Optional.ofNullable(columns.get(attribute));
  }

  String quotedTable() {
    return quotedTable;
  }

  String quotedId() {
    return quotedId;
  }

  Map<String, String> quotedColumns() {
    return quotedColumns;
  }

  /**
   * The {@code CREATE TABLE} statement of a table with this mapping, with the column types listed
   * above and the id as a {@code COLLATE "C"} primary key; what tests, the CLI and benchmarks load
   * players into. A host usually maps an existing table or view instead.
   *
   * @param catalogue the types of the mapped attributes
   * @return the statement
   * @throws InvalidInputException when a mapped attribute is not in the catalogue
   */
  public String createTableSql(AttributeCatalogue catalogue) {
    StringBuilder b = new StringBuilder("CREATE TABLE ").append(quotedTable).append(" (\n  ")
        .append(quotedId).append(" text COLLATE \"C\" PRIMARY KEY");
    quotedColumns.forEach((attribute, column) -> b.append(",\n  ").append(column).append(' ')
        .append(sqlType(attributeOf(catalogue, attribute))));
    return b.append("\n)").toString();
  }

  static Attribute attributeOf(AttributeCatalogue catalogue, String attribute) {
    return catalogue.find(attribute).filter(a -> a.name().equals(attribute))
        .orElseThrow(() -> new InvalidInputException("columns",
            "'" + attribute + "' is mapped to a column but is not in the attribute catalogue"));
  }

  static String sqlType(Attribute a) {
    return switch (a.type()) {
      case STRING -> "text";
      case NUMBER -> "double precision";
      case BOOLEAN -> "boolean";
      case TIMESTAMP -> "timestamptz";
      case STRING_SET -> "text[]";
    };
  }

  private static String quote(String identifier) {
    // checked against IDENTIFIER: no quote character can occur, so quoting cannot be escaped
    return '"' + identifier + '"';
  }

  private static String quoteQualified(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? quote(name) : quote(name.substring(0, dot)) + "." + quote(name.substring(dot + 1));
  }

  private static String checkIdentifier(String name, String field) {
    Checks.required(name, field);
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new InvalidInputException(field, "'" + name + "' must be letters, digits and _,"
          + " starting with a letter or _, at most 63 characters");
    }
    return name;
  }

  @Override
  public String toString() {
    return "PlayerTable{" + table + ", id " + idColumn + ", " + columns.size() + " columns}";
  }

  /** Builds a {@link PlayerTable}. Not thread-safe. */
  public static final class Builder {
    private final String table;
    private final String idColumn;
    private final Map<String, String> columns = new LinkedHashMap<>();

    private Builder(String table, String idColumn) {
      Checks.required(table, "table");
      int dot = table.indexOf('.');
      if (dot < 0) {
        checkIdentifier(table, "table");
      } else {
        checkIdentifier(table.substring(0, dot), "table");
        checkIdentifier(table.substring(dot + 1), "table");
      }
      this.table = table;
      this.idColumn = checkIdentifier(idColumn, "idColumn");
    }

    /**
     * Maps an attribute to the column that holds it.
     *
     * @param attribute the attribute's canonical name, for example {@code push.enabled}
     * @param column the column, for example {@code push_enabled}
     * @return this builder
     * @throws InvalidInputException for an invalid name, an attribute mapped twice or a column
     *     used twice
     */
    public Builder column(String attribute, String column) {
      if (!Attribute.isValidName(attribute)) {
        throw new InvalidInputException("attribute", "'" + attribute + "' is not an attribute"
            + " name");
      }
      checkIdentifier(column, "column");
      if (columns.containsKey(attribute)) {
        throw new InvalidInputException("attribute", attribute + " is already mapped to "
            + columns.get(attribute));
      }
      if (column.equals(idColumn) || columns.containsValue(column)) {
        throw new InvalidInputException("column", column + " is already used");
      }
      columns.put(attribute, column);
      return this;
    }

    /**
     * Maps every attribute of a catalogue to the column of the same name in lower case with
     * {@code .} and {@code -} replaced by {@code _}: {@code push.enabled} to {@code push_enabled},
     * {@code rg.self_excluded} to {@code rg_self_excluded}.
     *
     * @param catalogue the attributes
     * @return this builder
     */
    public Builder columnsNamedAfter(AttributeCatalogue catalogue) {
      for (Attribute a : catalogue.attributes()) {
        column(a.name(), a.name().toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
      }
      return this;
    }

    /**
     * Builds the mapping.
     *
     * @return the immutable mapping
     */
    public PlayerTable build() {
      return new PlayerTable(this);
    }
  }
}
