namespace Missions.AdaptiveCards;

// Written camelCase ("extraLarge", "bolder"), the schema's canonical spelling.

public enum Spacing { Default, None, Small, Medium, Large, ExtraLarge, Padding }

public enum FontSize { Default, Small, Medium, Large, ExtraLarge }

public enum FontWeight { Default, Lighter, Bolder }

public enum TextColor { Default, Dark, Light, Accent, Good, Warning, Attention }

public enum TextBlockStyle { Default, Heading }

public enum ContainerStyle { Default, Emphasis, Good, Attention, Warning, Accent }

public enum ImageSize { Auto, Stretch, Small, Medium, Large }

public enum ChoiceInputStyle { Compact, Expanded, Filtered }

public enum ActionStyle { Default, Positive, Destructive }

public enum AssociatedInputs { Auto, None }

public enum VerticalContentAlignment { Top, Center, Bottom }
