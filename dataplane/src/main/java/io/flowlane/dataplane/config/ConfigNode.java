package io.flowlane.dataplane.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A YAML node with its position and its path from the root ("routes[2].via[0].address"), so
 * that every error can say exactly where and what. Mappings are strict: {@link #checkKeys}
 * rejects keys the reader does not know, because a misspelt key silently ignored is a
 * configuration that does not do what its author thinks.
 */
public final class ConfigNode
{
    private final String source;
    private final String path;
    private final Node node;

    ConfigNode(final String source, final String path, final Node node)
    {
        this.source = source;
        this.path = path;
        this.node = node;
    }

    public String path()
    {
        return path;
    }

    /** An error at this node. */
    public ConfigException error(final String reason)
    {
        final String where = node.getStartMark()
            .map(mark -> source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1))
            .orElse(source);
        return new ConfigException(where + ": " + (path.isEmpty() ? "" : path + ": ") + reason);
    }

    public boolean isMapping()
    {
        return node instanceof MappingNode;
    }

    private Map<String, ConfigNode> mapping()
    {
        if (!(node instanceof MappingNode mappingNode))
        {
            throw error("expected a mapping of keys to values");
        }
        final Map<String, ConfigNode> entries = new LinkedHashMap<>();
        for (final NodeTuple tuple : mappingNode.getValue())
        {
            if (!(tuple.getKeyNode() instanceof ScalarNode key))
            {
                throw new ConfigNode(source, path, tuple.getKeyNode()).error("keys must be plain names");
            }
            final String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
            if (entries.put(key.getValue(), new ConfigNode(source, childPath, tuple.getValueNode())) != null)
            {
                throw new ConfigNode(source, childPath, key).error("duplicate key");
            }
        }
        return entries;
    }

    /** Throws naming the first key that is not in {@code known}, positioned at the key itself. */
    public void checkKeys(final Set<String> known)
    {
        mapping();
        for (final NodeTuple tuple : ((MappingNode)node).getValue())
        {
            final String key = ((ScalarNode)tuple.getKeyNode()).getValue();
            if (!known.contains(key))
            {
                throw new ConfigNode(source, path.isEmpty() ? key : path + "." + key, tuple.getKeyNode())
                    .error("unknown key '" + key + "' (known keys: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    public ConfigNode get(final String key)
    {
        return mapping().get(key);
    }

    public ConfigNode require(final String key)
    {
        final ConfigNode child = get(key);
        if (child == null)
        {
            throw error("missing required key '" + key + "'");
        }
        return child;
    }

    public List<ConfigNode> list()
    {
        if (!(node instanceof SequenceNode sequence))
        {
            throw error("expected a list");
        }
        final List<ConfigNode> items = new ArrayList<>();
        int i = 0;
        for (final Node item : sequence.getValue())
        {
            items.add(new ConfigNode(source, path + "[" + i++ + "]", item));
        }
        return items;
    }

    public List<ConfigNode> list(final String key)
    {
        final ConfigNode child = get(key);
        return child == null ? List.of() : child.list();
    }

    public String text()
    {
        if (!(node instanceof ScalarNode scalar))
        {
            throw error("expected a single value");
        }
        return scalar.getValue();
    }

    public String text(final String key, final String defaultValue)
    {
        final ConfigNode child = get(key);
        return child == null ? defaultValue : child.text();
    }

    public int integer(final int min, final int max)
    {
        final String text = text();
        final long value;
        try
        {
            value = Long.decode(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw error("'" + text + "' is not an integer");
        }
        if (value < min || value > max)
        {
            throw error(value + " is outside " + min + ".." + max);
        }
        return (int)value;
    }

    public int integer(final String key, final int defaultValue, final int min, final int max)
    {
        final ConfigNode child = get(key);
        return child == null ? defaultValue : child.integer(min, max);
    }

    public boolean bool()
    {
        return switch (text())
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw error("'" + text() + "' is not true or false");
        };
    }

    public boolean bool(final String key, final boolean defaultValue)
    {
        final ConfigNode child = get(key);
        return child == null ? defaultValue : child.bool();
    }

    /** Parses this scalar with {@code parser}; an IllegalArgumentException becomes an error at this node. */
    public <T> T parse(final Function<String, T> parser)
    {
        try
        {
            return parser.apply(text());
        }
        catch (final IllegalArgumentException ex)
        {
            throw error(ex.getMessage());
        }
    }

    public <E extends Enum<E>> E choice(final Class<E> type, final String key, final E defaultValue)
    {
        final ConfigNode child = get(key);
        if (child == null)
        {
            return defaultValue;
        }
        final String text = child.text();
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().replace('_', '-').equalsIgnoreCase(text))
            {
                return constant;
            }
        }
        throw child.error("'" + text + "' is not one of " +
            java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList());
    }
}
